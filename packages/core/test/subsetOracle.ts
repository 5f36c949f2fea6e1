/**
 * An independent oracle for the tests: the smooth top-k SVM loss of one row and its gradient by
 * brute force over all k-subsets, straight from the definition, in decimal arithmetic.
 *
 *   L = tau log sum_{|S|=k} exp(a_S)  -  tau log sum_{|S|=k, y in S} exp(b_S),
 *   a_S = (alpha [y not in S] + mean(s_S)) / tau,   b_S = mean(s_S) / tau,
 *   dL/ds_j = (P_a(j in S) - P_b(j in S)) / k,
 *
 * P_a and P_b the softmax distributions over the subsets. Sums of scores are exact (a double
 * needs at most 767 significant digits, a sum of a few of them at most about 1100), so the
 * differences a_S - max a are exact before being divided by tau and exponentiated at 40 digits.
 */
import { Decimal } from 'decimal.js';

/** Exact sums of doubles. */
const Exact = Decimal.clone({ precision: 1200, maxE: 9e15, minE: -9e15 });
/** Exponentials and logarithms of moderate numbers. */
const Fine = Decimal.clone({ precision: 40, maxE: 9e15, minE: -9e15 });

/** The exact value of a double (Decimal(number) would take its shortest decimal string). */
export function exactDecimal(v: number): Decimal {
  if (v === 0) return new Exact(0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = new Exact(high & 0xfffff).times(4294967296).plus(low);
  // normal: (2^52 + f) 2^(e - 1075); subnormal: f 2^-1074
  const mantissa = biased === 0 ? fraction : fraction.plus(new Exact(2).pow(52));
  const exponent = biased === 0 ? -1074 : biased - 1075;
  const value = mantissa.times(new Exact(2).pow(exponent));
  return v < 0 ? value.negated() : value;
}

/** Loss and gradient of one row, as decimals converted to the nearest doubles. */
export interface OracleResult {
  loss: number;
  grad: number[];
}

function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const current: number[] = [];
  const walk = (from: number) => {
    if (current.length === k) {
      out.push([...current]);
      return;
    }
    for (let j = from; j <= n - (k - current.length); j++) {
      current.push(j);
      walk(j + 1);
      current.pop();
    }
  };
  walk(0);
  return out;
}

/** Softmax weights exp(v_S - max v) / sum over subsets, from exact numerators v_S * tau * k. */
function softmax(numerators: Decimal[], kTau: Decimal): { weights: Decimal[]; logSum: Decimal; max: Decimal } {
  let max = numerators[0];
  for (const v of numerators) if (v.gt(max)) max = v;
  const terms = numerators.map((v) => new Fine(v.minus(max).toString()).div(new Fine(kTau.toString())).exp());
  const sum = terms.reduce((a, b) => a.plus(b), new Fine(0));
  return { weights: terms.map((t) => t.div(sum)), logSum: sum.ln(), max };
}

/** The smooth loss of `scores` with label y and its gradient, by brute force over subsets. */
export function smoothLossOracle(scores: ArrayLike<number>, y: number, k: number, tau: number, alpha: number): OracleResult {
  const n = scores.length;
  const s = Array.from(scores, exactDecimal);
  const kAlpha = exactDecimal(alpha).times(k);
  const kTau = exactDecimal(tau).times(k);
  const all = subsets(n, k);
  const withY = all.filter((S) => S.includes(y));
  // k tau a_S = k alpha [y not in S] + sum s_S, k tau b_S = sum s_S: exact.
  const sumOf = (S: number[]) => S.reduce((acc, j) => acc.plus(s[j]), new Exact(0));
  const a = softmax(all.map((S) => (S.includes(y) ? sumOf(S) : sumOf(S).plus(kAlpha))), kTau);
  const b = softmax(withY.map(sumOf), kTau);
  // L = (max_a - max_b) / k + tau (log sum_a - log sum_b)
  const loss = new Fine(a.max.minus(b.max).div(k).toString()).plus(new Fine(kTau.div(k).toString()).times(a.logSum.minus(b.logSum)));
  const grad: number[] = [];
  for (let j = 0; j < n; j++) {
    let pa = new Fine(0);
    all.forEach((S, i) => {
      if (S.includes(j)) pa = pa.plus(a.weights[i]);
    });
    let pb = new Fine(0);
    withY.forEach((S, i) => {
      if (S.includes(j)) pb = pb.plus(b.weights[i]);
    });
    grad.push(pa.minus(pb).div(k).toNumber());
  }
  return { loss: loss.toNumber(), grad };
}

/** The hard loss max(0, alpha + ((s\y)_[k] - s_y) / k), exactly. */
export function hardLossOracle(scores: ArrayLike<number>, y: number, k: number, alpha: number): number {
  const others = Array.from(scores).filter((_, j) => j !== y).sort((p, q) => q - p);
  const v = exactDecimal(alpha).plus(exactDecimal(others[k - 1]).minus(exactDecimal(scores[y])).div(k));
  return Decimal.max(0, v).toNumber();
}

/**
 * The official per-sample switch restated from its definition, exactly: the hard loss where the
 * gap between the k-th and (k+1)-th largest scores (label included) is at least k tau ln(1000).
 */
export function usesHardLossOracle(scores: ArrayLike<number>, k: number, tau: number): boolean {
  const sorted = Array.from(scores).sort((p, q) => q - p);
  const gap = exactDecimal(sorted[k - 1]).minus(exactDecimal(sorted[k]));
  // ln(1000) to 40 digits: only a gap within 1e-40 of the threshold could be misjudged.
  return gap.gte(new Fine(exactDecimal(tau).times(k).toString()).times(new Fine(1000).ln()));
}
