/**
 * The official implementation's backward restated from its definition, in 100-digit decimal
 * arithmetic on the unshifted `x = s / (k tau)`: an oracle for the paper backward of tiny rows.
 *
 * For each entry j (label excluded) and m in {k - 1, k}, with e = exp(x) and sigma_r its
 * elementary symmetric polynomials:
 *
 *   P+ = sum_{t even} sigma_{m-1-t} e_j^t,   P- = sum_{t odd} sigma_{m-1-t} e_j^t   (t < m),
 *   P = log P+, N = log P- (-1/eps for an empty sum), eps = 1e-5;
 *   stable where (P - N) / (|N| + eps) >= 1e-5:  pi_m(j) = min(1, e_j (P+ - P-) / sigma_m);
 *   otherwise the p-term series, p = floor(1 + 0.2 k):
 *     S+ = sum_{t < p even} sigma_{m+t} / e_j^{t+1},   S- likewise for odd t,
 *     pi_m(j) = 0 where S- >= S+, else min(1, e_j (S+ - S-) / sigma_m);
 *   pi_0 = 0, and the gradient is rho/k (pi_k(j) - pi_{k-1}(j)), -rho/k at the label.
 *
 * rho is the Gibbs mass of the k-subsets without the label,
 * exp(alpha / tau) sigma_k / (exp(alpha / tau) sigma_k + e_y sigma_{k-1}).
 */
import { Decimal } from 'decimal.js';
import { exactDecimal } from './subsetOracle.js';

const D = Decimal.clone({ precision: 100, maxE: 9e15, minE: -9e15 });
const EPS = new D('1e-5');
const THRESHOLD = new D('1e-5');

/** Which formula gave an inclusion probability: for the tests to check that they reach each. */
export type PaperBranch = 'recursion' | 'series' | 'series clamped to 1' | 'series broken down';

export interface PaperInclusion {
  value: number;
  branch: PaperBranch;
  /** (P - N) / (|N| + eps) / 1e-5: how far the switch is from its threshold (1). */
  switchRatio: number;
}

/** The official pi_m(j) on the unshifted entries e (sigma its ESPs), as defined above. */
function inclusion(sigma: Decimal[], e: Decimal[], j: number, m: number, p: number): PaperInclusion {
  if (m === 0) return { value: 0, branch: 'recursion', switchRatio: Infinity };
  let pos = new D(0);
  let neg = new D(0);
  for (let t = 0; t < m; t++) {
    const term = sigma[m - 1 - t].times(e[j].pow(t));
    if (t % 2 === 0) pos = pos.plus(term);
    else neg = neg.plus(term);
  }
  const P = pos.gt(0) ? pos.ln() : new D(-1).div(EPS);
  const N = neg.gt(0) ? neg.ln() : new D(-1).div(EPS);
  const ratio = P.minus(N).div(N.abs().plus(EPS)).div(THRESHOLD);
  if (ratio.gte(1)) {
    const value = Decimal.min(1, e[j].times(pos.minus(neg)).div(sigma[m]));
    return { value: value.toNumber(), branch: 'recursion', switchRatio: ratio.toNumber() };
  }
  let sPos = new D(0);
  let sNeg = new D(0);
  for (let t = 0; t < p; t++) {
    const term = sigma[m + t].div(e[j].pow(t + 1));
    if (t % 2 === 0) sPos = sPos.plus(term);
    else sNeg = sNeg.plus(term);
  }
  if (sNeg.gte(sPos)) return { value: 0, branch: 'series broken down', switchRatio: ratio.toNumber() };
  const raw = e[j].times(sPos.minus(sNeg)).div(sigma[m]);
  return raw.gt(1)
    ? { value: 1, branch: 'series clamped to 1', switchRatio: ratio.toNumber() }
    : { value: raw.toNumber(), branch: 'series', switchRatio: ratio.toNumber() };
}

/** The paper backward's gradient of one row, and the branch and switch ratio of every pi. */
export function paperGradientByDefinition(
  s: readonly number[],
  y: number,
  k: number,
  tau: number,
  alpha: number,
): { grad: number[]; inclusions: PaperInclusion[] } {
  const n = s.length;
  const p = Math.floor(1 + 0.2 * k);
  const kTau = exactDecimal(tau).times(k);
  const others = s.map((_, j) => j).filter((j) => j !== y);
  const e = others.map((j) => new D(exactDecimal(s[j]).div(kTau).toString()).exp());
  const sigma: Decimal[] = [new D(1), ...others.map(() => new D(0))];
  for (const ej of e) for (let r = sigma.length - 1; r >= 1; r--) sigma[r] = sigma[r].plus(ej.times(sigma[r - 1]));
  const withoutLabel = new D(exactDecimal(alpha).div(exactDecimal(tau)).toString()).exp().times(sigma[k]);
  const withLabel = new D(exactDecimal(s[y]).div(kTau).toString()).exp().times(sigma[k - 1]);
  const rhoOverK = withoutLabel.div(withoutLabel.plus(withLabel)).div(k).toNumber();
  const grad = new Array<number>(n).fill(0);
  const inclusions: PaperInclusion[] = [];
  others.forEach((j, i) => {
    const piK = inclusion(sigma, e, i, k, p);
    const piK1 = inclusion(sigma, e, i, k - 1, p);
    inclusions.push(piK, piK1);
    grad[j] = rhoOverK * (piK.value - piK1.value);
  });
  grad[y] = -rhoOverK;
  return { grad, inclusions };
}
