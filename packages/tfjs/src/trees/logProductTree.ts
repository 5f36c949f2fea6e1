/**
 * The log-space product tree (for `logEsp` on arbitrary inputs): the divide-and-conquer
 * algorithm of docs/math.md with log-sum-exp convolutions, one tree level per step (depth log2 n),
 * values carried as compensated hi + lo pairs. Layout: a level's coefficient r is a flat
 * `[nodes * batch]` tensor (node-major), node i paired with node i + nodes/2, so every split is
 * a contiguous slice and every operation element-wise on equal shapes.
 * (The loss's own trees are in linear space: linearTree.ts and headTailTree.ts.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { FLOAT32_LOG_ZERO } from '@topk/core/rows';


/** The first and second halves of a flat `[nodes * batch]` tensor. */
function halves(t: tf.Tensor1D): [tf.Tensor1D, tf.Tensor1D] {
  const h = t.size / 2;
  return [tf.slice(t, 0, h), tf.slice(t, h, h)];
}

/**
 * A log-space value carried as an unevaluated float32 sum hi + lo (docs/math.md, floating point in float32):
 * when huge logs of opposite signs cancel (scores of 1e4 and more), the low part keeps the
 * digits that a single float32 loses.
 */
export interface LogPair {
  readonly hi: tf.Tensor1D;
  readonly lo: tf.Tensor1D;
}

/** Knuth's two-sum: s = fl(a + b) and the exact rounding error e, so that a + b = s + e. */
function twoSum(a: tf.Tensor1D, b: tf.Tensor1D): [tf.Tensor1D, tf.Tensor1D] {
  const s = tf.add(a, b) as tf.Tensor1D;
  const bb = tf.sub(s, a);
  const e = tf.add(tf.sub(a, tf.sub(s, bb)), tf.sub(b, bb)) as tf.Tensor1D;
  return [s, e];
}

/** Renormalises hi + lo with |lo| small against |hi| (fast two-sum). */
function renormalise(hi: tf.Tensor1D, lo: tf.Tensor1D): LogPair {
  const s = tf.add(hi, lo) as tf.Tensor1D;
  return { hi: s, lo: tf.sub(lo, tf.sub(s, hi)) as tf.Tensor1D };
}

/** (u + v) for pairs. */
function addPairs(u: LogPair, v: LogPair): LogPair {
  const [s, e] = twoSum(u.hi, v.hi);
  return renormalise(s, tf.add(e, tf.add(u.lo, v.lo)) as tf.Tensor1D);
}

/** log(exp(u) + exp(v)) for pairs: the larger one plus log(1 + exp(smaller - larger)). */
function logAddExpPairs(u: LogPair, v: LogPair): LogPair {
  const uLarger = tf.greaterEqual(u.hi, v.hi);
  const mHi = tf.where(uLarger, u.hi, v.hi) as tf.Tensor1D;
  const mLo = tf.where(uLarger, u.lo, v.lo) as tf.Tensor1D;
  const oHi = tf.where(uLarger, v.hi, u.hi);
  const oLo = tf.where(uLarger, v.lo, u.lo);
  const d = tf.add(tf.sub(oHi, mHi), tf.sub(oLo, mLo));
  const increment = tf.log(tf.add(1, tf.exp(tf.minimum(d, 0))));
  return renormalise(mHi, tf.add(mLo, increment) as tf.Tensor1D);
}

/**
 * Root of the product tree in log space: `logA`, `logB` hold the logs of each leaf factor's
 * coefficients (flat, node-major; FLOAT32_LOG_ZERO for a zero); returns the logs of the product's
 * coefficients 0..K (K >= 1), each a hi + lo pair of `[batch]` tensors.
 */
export function logProductTree(logA: tf.Tensor1D, logB: tf.Tensor1D, nodes: number, K: number): LogPair[] {
  const zero = tf.zerosLike(logA) as tf.Tensor1D;
  let current: LogPair[] = [{ hi: logA, lo: zero }, { hi: logB, lo: zero }];
  while (nodes > 1) {
    const d = current.length - 1;
    const D = Math.min(2 * d, K);
    const parts = current.map((c) => {
      const [hiLeft, hiRight] = halves(c.hi);
      const [loLeft, loRight] = halves(c.lo);
      return [{ hi: hiLeft, lo: loLeft }, { hi: hiRight, lo: loRight }] as const;
    });
    const next: LogPair[] = [];
    for (let r = 0; r <= D; r++) {
      let acc: LogPair | undefined;
      for (let p = Math.max(0, r - d); p <= Math.min(r, d); p++) {
        const term = addPairs(parts[p][0], parts[r - p][1]);
        acc = acc === undefined ? term : logAddExpPairs(acc, term);
      }
      // Clamp so that sums of FLOAT32_LOG_ZERO stay finite and recognisable.
      const clamped = tf.less(acc!.hi, FLOAT32_LOG_ZERO);
      next.push({
        hi: tf.where(clamped, tf.fill(acc!.hi.shape, FLOAT32_LOG_ZERO), acc!.hi) as tf.Tensor1D,
        lo: tf.where(clamped, tf.zerosLike(acc!.lo), acc!.lo) as tf.Tensor1D,
      });
    }
    current = next;
    nodes /= 2;
  }
  return current;
}
