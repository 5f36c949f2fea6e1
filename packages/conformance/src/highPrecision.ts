/**
 * The kit's independent oracle: the top-k SVM losses, their gradients and log-ESP straight from
 * their definitions, by enumerating every subset, in 60-digit decimal arithmetic (decimal.js).
 * Nothing here calls @topk/core: scores are converted to exact integers (every double is an odd
 * integer times a power of two), subset sums are exact, and only the exponentials and logarithms
 * round, at 60 digits. For n <= 10 (at most 1024 subsets per row).
 */
import { Decimal } from 'decimal.js';

/** Decimal numbers with 60 significant digits and an exponent range wide enough for exp(1e616). */
export const HighPrecision = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, minE: -9e15, maxE: 9e15 });
type D = Decimal;
const ZERO = new HighPrecision(0);
const ONE = new HighPrecision(1);

/** Largest n the subset enumeration accepts. */
export const ORACLE_MAX_N = 10;

/** A double as `mantissa * 2^exponent` with an integer mantissa (exact). */
interface Dyadic {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const view = new DataView(new ArrayBuffer(8));

/** The exact dyadic value of a finite double. */
function dyadic(value: number): Dyadic {
  if (!Number.isFinite(value)) throw new RangeError(`not finite: ${value}`);
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  return { mantissa: negative ? -mantissa : mantissa, exponent };
}

/** A double as a decimal, exactly (before any arithmetic rounds it). */
export function exactDecimal(value: number): D {
  const { mantissa, exponent } = dyadic(value);
  if (mantissa === 0n) return ZERO;
  if (exponent >= 0) return new HighPrecision((mantissa << BigInt(exponent)).toString());
  // mantissa / 2^e = mantissa * 5^e / 10^e: an exact decimal string.
  const e = -exponent;
  const digits = (mantissa < 0n ? -mantissa : mantissa) * 5n ** BigInt(e);
  return new HighPrecision(`${mantissa < 0n ? '-' : ''}${digits.toString()}e-${e}`);
}

/** Values as integers over one common power of two: `value_j = integers[j] * 2^exponent`, exactly. */
function commonScale(values: readonly number[]): { integers: bigint[]; exponent: number } {
  const parts = values.map(dyadic);
  let exponent = Infinity;
  for (const p of parts) if (p.mantissa !== 0n) exponent = Math.min(exponent, p.exponent);
  if (exponent === Infinity) exponent = 0;
  return { integers: parts.map((p) => p.mantissa << BigInt(p.exponent - exponent)), exponent };
}

function pow2(exponent: number): D {
  return new HighPrecision(2).pow(exponent);
}

function bigDecimal(v: bigint): D {
  return new HighPrecision(v.toString());
}

/** Bit masks of the k-subsets of n elements (cached). */
const subsetCache = new Map<string, number[]>();
function subsets(n: number, k: number): number[] {
  const key = `${n}:${k}`;
  let list = subsetCache.get(key);
  if (list === undefined) {
    list = [];
    for (let mask = 0; mask < 1 << n; mask++) {
      let size = 0;
      for (let m = mask; m !== 0; m &= m - 1) size++;
      if (size === k) list.push(mask);
    }
    subsetCache.set(key, list);
  }
  return list;
}

/** Below this, e^d is negligible next to e^0 at 60 digits (e^-150 < 1e-65). */
const NEGLIGIBLE = 150;

/**
 * For a family of subsets with log-weight `unit * sum_{j in S} T_j`: the largest log-weight
 * (`unit * top`, top exact), the sum of `exp(logweight - max)` over the family, and for each j
 * the same sum over the subsets that contain j.
 */
interface SubsetSums {
  readonly top: bigint;
  readonly total: D;
  readonly containing: D[];
}

function subsetSums(T: readonly bigint[], unit: D, masks: readonly number[]): SubsetSums {
  const n = T.length;
  const sums = masks.map((mask) => {
    let s = 0n;
    for (let j = 0; j < n; j++) if (mask & (1 << j)) s += T[j];
    return s;
  });
  let top = sums[0];
  for (const s of sums) if (s > top) top = s;
  // Factored when every element's log-weight is moderate: e^{unit T_S} = prod_j e^{unit T_j}, n
  // exponentials; otherwise one exponential per subset close enough to the top to count.
  let lo = T[0];
  let hi = T[0];
  for (const t of T) {
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const weights: D[] = [];
  if (unit.times(bigDecimal(hi - lo)).lte(1e12)) {
    const factors = T.map((t) => unit.times(bigDecimal(t - lo)).exp());
    let topWeight = ONE;
    masks.forEach((mask, i) => {
      let w = ONE;
      for (let j = 0; j < n; j++) if (mask & (1 << j)) w = w.times(factors[j]);
      weights.push(w);
      if (sums[i] === top) topWeight = w;
    });
    for (let i = 0; i < weights.length; i++) weights[i] = weights[i].div(topWeight);
  } else {
    for (const s of sums) {
      const d = unit.times(bigDecimal(s - top));
      weights.push(d.lt(-NEGLIGIBLE) ? ZERO : d.exp());
    }
  }
  let total = ZERO;
  const containing = T.map(() => ZERO);
  masks.forEach((mask, i) => {
    const w = weights[i];
    if (w.isZero()) return;
    total = total.plus(w);
    for (let j = 0; j < n; j++) if (mask & (1 << j)) containing[j] = containing[j].plus(w);
  });
  return { top, total, containing };
}

/** `log(1 + e^z)`. */
function softplus(z: D): D {
  if (z.gt(NEGLIGIBLE)) return z;
  if (z.lt(-1e6)) return ZERO;
  return z.exp().plus(1).ln();
}

/** `1 / (1 + e^-z)`. */
function sigmoid(z: D): D {
  if (z.gt(1e6)) return ONE;
  if (z.lt(-1e6)) return ZERO;
  return ONE.div(z.neg().exp().plus(1));
}

function checkRow(n: number): void {
  if (n > ORACLE_MAX_N) throw new RangeError(`the high-precision oracle enumerates subsets: n = ${n} > ${ORACLE_MAX_N}`);
}

/** Loss and gradient of one sample, in high precision. */
export interface OracleRow {
  readonly loss: D;
  readonly grad: D[];
}

/**
 * The smooth top-k SVM loss of one sample and its gradient, from the definition
 * `L = tau log sum_{|S|=k} exp((alpha [y not in S] + mean(s_S)) / tau) - tau log sum_{|S|=k, y in S} exp(mean(s_S) / tau)`.
 * The gradient is the derivative of that expression: `dL/ds_j = (P_all(j in S) - P_y(j in S)) / k`,
 * where P_all and P_y are the distributions over subsets whose weights are the terms of the two sums.
 */
export function oracleSmoothRow(scores: readonly number[], y: number, k: number, tau: number, alpha: number): OracleRow {
  const n = scores.length;
  checkRow(n);
  const tauD = exactDecimal(tau);
  const { T, unit } = scaledIntegers(scores, k, tau); // mean(s_S) / tau = unit * T_S
  const all = subsets(n, k);
  const without = subsetSums(T, unit, all.filter((m) => (m & (1 << y)) === 0));
  const withLabel = subsetSums(T, unit, all.filter((m) => (m & (1 << y)) !== 0));
  // log of the first sum minus log of the second = alpha / tau mixed in as a logaddexp:
  // z = alpha/tau + log U - log V, L = tau softplus(z), with U over subsets without y, V with y.
  const z = exactDecimal(alpha).div(tauD)
    .plus(unit.times(bigDecimal(without.top - withLabel.top)))
    .plus(without.total.ln())
    .minus(withLabel.total.ln());
  const theta = sigmoid(z);
  const grad = scores.map((_, j) => {
    const pWithout = without.containing[j].div(without.total);
    const pWith = withLabel.containing[j].div(withLabel.total);
    // P_all(j) = theta pWithout + (1 - theta) pWith, P_y(j) = pWith.
    return theta.times(pWithout.minus(pWith)).div(k);
  });
  return { loss: tauD.times(softplus(z)), grad };
}

/** The k-th largest entry (1-based) of values, exactly, with the indices that hold it. */
function kthLargest(values: readonly number[], k: number): { value: number; indices: number[] } {
  const sorted = [...values].sort((a, b) => b - a);
  const value = sorted[k - 1];
  return { value, indices: values.flatMap((v, j) => (v === value ? [j] : [])) };
}

/** The hard loss of one sample, exactly: `max(0, alpha + ((s\y)_[k] - s_y) / k)`, with the sign of the margin. */
export interface OracleHardRow {
  readonly loss: D;
  /** Sign of `alpha + ((s\y)_[k] - s_y) / k`: the subgradient is 0 below 0, at y and a k-th entry above. */
  readonly marginSign: -1 | 0 | 1;
  /** Indices j != y with `s_j = (s\y)_[k]`: where the +1/k may sit. */
  readonly kthIndices: number[];
}

/** The hard top-k SVM loss of one sample from its definition. */
export function oracleHardRow(scores: readonly number[], y: number, k: number, alpha: number): OracleHardRow {
  const others = scores.filter((_, j) => j !== y);
  const { value } = kthLargest(others, k);
  const margin = exactDecimal(alpha).plus(exactDecimal(value).minus(exactDecimal(scores[y])).div(k));
  // Its sign decides the subgradient, so it is taken on the exact integers: k margin is
  // (k alpha + (s\y)_[k] - s_y), all three over one power of two.
  const { integers } = commonScale([alpha, value, scores[y]]);
  const exactMargin = integers[0] * BigInt(k) + integers[1] - integers[2];
  const marginSign = exactMargin > 0n ? 1 : exactMargin < 0n ? -1 : 0;
  return {
    loss: marginSign > 0 ? margin : ZERO,
    marginSign,
    kthIndices: scores.flatMap((v, j) => (j !== y && v === value ? [j] : [])),
  };
}

/**
 * The official per-sample switch, restated: a sample takes the hard loss when
 * `s_[k] - s_[k+1] >= k tau ln(1000)` over all its scores, y included. `'boundary'` when the two
 * sides are within a relative 1e-12, where float64 arithmetic may decide either way.
 */
export function oracleUsesHardLoss(scores: readonly number[], k: number, tau: number): boolean | 'boundary' {
  const sorted = [...scores].sort((a, b) => b - a);
  const gap = exactDecimal(sorted[k - 1]).minus(exactDecimal(sorted[k]));
  const threshold = exactDecimal(tau).times(k).times(new HighPrecision(1000).ln());
  if (gap.minus(threshold).abs().lte(threshold.times(1e-12))) return 'boundary';
  return gap.gte(threshold);
}

/**
 * `log sigma_m(exp(x))` for m = 0..K, by enumerating the m-subsets: `log sum_{|S|=m} exp(sum_{j in S} x_j)`.
 */
export function oracleLogEsp(x: readonly number[], K: number): D[] {
  checkRow(x.length);
  const { integers, exponent } = commonScale(x);
  return logEspOfIntegers(integers, pow2(exponent), K);
}

/**
 * `log sigma_m(exp(x))` for m = 0..K where `x_j = unit * T_j`, by enumerating the m-subsets
 * (the exact integers keep every subset sum exact).
 */
export function logEspOfIntegers(T: readonly bigint[], unit: D, K: number): D[] {
  const out: D[] = [ZERO];
  for (let m = 1; m <= K; m++) {
    const s = subsetSums(T, unit, subsets(T.length, m));
    out.push(unit.times(bigDecimal(s.top)).plus(s.total.ln()));
  }
  return out;
}

/** `x_j = s_j / (k tau)` of a row as exact integers over a common unit: `x_j = unit * T_j`. */
export function scaledIntegers(scores: readonly number[], k: number, tau: number): { T: bigint[]; unit: D } {
  const { integers, exponent } = commonScale(scores);
  return { T: integers, unit: pow2(exponent).div(exactDecimal(tau).times(k)) };
}

/** The logistic function in high precision. */
export function highPrecisionSigmoid(z: D): D {
  return sigmoid(z);
}

/** The weighting and reduction of a batch, from the definitions in @topk/core's LossOptions. */
export interface OracleBatch {
  /** Weighted per-sample losses. */
  readonly losses: D[];
  /** Sum (none, sum) or weighted mean (sum of weighted losses over the sum of weights). */
  readonly value: D;
  /** Factor applied to row i of the per-sample gradient. */
  readonly gradFactors: D[];
}

/**
 * Weights per sample (sample weight times the class weight of its label), applied to the
 * per-sample losses, and the reduction: `none` and `sum` add them, `mean` divides the sum by the
 * sum of the weights (0 when that is 0); the gradient rows scale the same way.
 */
export function oracleReduce(
  losses: readonly D[],
  labels: ArrayLike<number>,
  reduction: 'none' | 'mean' | 'sum',
  sampleWeights?: ArrayLike<number>,
  classWeights?: ArrayLike<number>,
): OracleBatch {
  const weights = losses.map((_, i) => {
    const ws = sampleWeights === undefined ? ONE : exactDecimal(sampleWeights[i]);
    const wc = classWeights === undefined ? ONE : exactDecimal(classWeights[labels[i]]);
    return ws.times(wc);
  });
  const weighted = losses.map((l, i) => l.times(weights[i]));
  const total = weighted.reduce((a, b) => a.plus(b), ZERO);
  if (reduction !== 'mean') return { losses: weighted, value: total, gradFactors: weights };
  const weightSum = weights.reduce((a, b) => a.plus(b), ZERO);
  if (weightSum.isZero()) return { losses: weighted, value: ZERO, gradFactors: weights.map(() => ZERO) };
  return { losses: weighted, value: total.div(weightSum), gradFactors: weights.map((w) => w.div(weightSum)) };
}

/** A decimal rounded to the nearest double. */
export function toDouble(value: D): number {
  return value.toNumber();
}
