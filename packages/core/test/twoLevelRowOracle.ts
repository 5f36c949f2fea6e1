/**
 * An independent oracle for long rows whose scores, the label's aside, take at most two values:
 * `a` entries at score `sa` and `b` entries at score `sb`. The elementary symmetric polynomials
 * of such a row have the closed form
 *
 *   sigma_r(E) = sum_j C(a, j) C(b, r - j) u^j v^(r - j),   u = exp(x_a), v = exp(x_b),
 *
 * with x = s / (k tau), so the smooth loss and its gradient follow from the definition
 *
 *   z = alpha / tau + log sigma_k - log sigma_{k-1} - x_y,   L = tau softplus(z),
 *   dL/ds_j = sigmoid(z) (pi_k(j) - pi_{k-1}(j)) / k,   pi_m(j) = e_j sigma_{m-1}(E \ j) / sigma_m(E),
 *   dL/ds_y = -sigmoid(z) / k,
 *
 * evaluated in 50-digit decimal arithmetic: no polynomial algorithm, shift or rescaling of core's.
 */
import { Decimal } from 'decimal.js';
import { exactDecimal } from './subsetOracle.js';

const D50 = Decimal.clone({ precision: 50, maxE: 9e15, minE: -9e15 });

/** A row: the label's score and two groups of equal scores (counts may be 0). */
export interface TwoLevelRow {
  sy: number;
  sa: number;
  a: number;
  sb: number;
  b: number;
  k: number;
  tau: number;
  alpha: number;
}

/** Loss, the gradient entry of the label and of each member of either group. */
export interface TwoLevelResult {
  loss: number;
  gradY: number;
  gradA: number;
  gradB: number;
}

/** C(n, 0..n) as decimals. */
function binomials(n: number): Decimal[] {
  const out = [new D50(1)];
  for (let j = 1; j <= n; j++) out.push(out[j - 1].times(n - j + 1).div(j));
  return out;
}

/** sigma_r of `a` copies of u and `b` copies of v (0 for r < 0). */
function sigma(r: number, a: number, u: Decimal, b: number, v: Decimal): Decimal {
  if (r < 0) return new D50(0);
  const ca = binomials(a);
  const cb = binomials(b);
  let sum = new D50(0);
  for (let j = Math.max(0, r - b); j <= Math.min(a, r); j++) {
    sum = sum.plus(ca[j].times(cb[r - j]).times(u.pow(j)).times(v.pow(r - j)));
  }
  return sum;
}

/** The smooth loss of a two-level row and its gradient, from the closed form above. */
export function twoLevelRowOracle(row: TwoLevelRow): TwoLevelResult {
  const { a, b, k } = row;
  const kTau = new D50(exactDecimal(row.tau).times(k).toString());
  // Every x is taken relative to s_y (the loss does not depend on the reference).
  const rel = (s: number) => new D50(exactDecimal(s).minus(exactDecimal(row.sy)).toString()).div(kTau);
  const u = rel(row.sa).exp();
  const v = rel(row.sb).exp();
  const sk = sigma(k, a, u, b, v);
  const sk1 = sigma(k - 1, a, u, b, v);
  const alphaOverTau = new D50(exactDecimal(row.alpha).toString()).div(new D50(exactDecimal(row.tau).toString()));
  const z = alphaOverTau.plus(sk.ln()).minus(sk1.ln());
  const tau = new D50(exactDecimal(row.tau).toString());
  // softplus(z) = max(z, 0) + log(1 + exp(-|z|))
  const softplus = Decimal.max(z, 0).plus(z.abs().negated().exp().plus(1).ln());
  const rho = new D50(1).div(z.negated().exp().plus(1));
  const rhoOverK = rho.div(k);
  const entry = (value: Decimal, restA: number, restB: number) => {
    const piK = value.times(sigma(k - 1, restA, u, restB, v)).div(sk);
    const piK1 = k >= 2 ? value.times(sigma(k - 2, restA, u, restB, v)).div(sk1) : new D50(0);
    return rhoOverK.times(piK.minus(piK1)).toNumber();
  };
  return {
    loss: tau.times(softplus).toNumber(),
    gradY: rhoOverK.negated().toNumber(),
    gradA: a > 0 ? entry(u, a - 1, b) : NaN,
    gradB: b > 0 ? entry(v, a, b - 1) : NaN,
  };
}
