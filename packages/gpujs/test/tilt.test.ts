/** The tilted regime's leaves' tilt: the mean of S moved to k - 1/2, wherever the scores lie. */
import { describe, expect, it } from 'vitest';
import { kthLargest } from '@topk/core/rows';
import { leafTilt } from '../src/plans/tilt.js';

/** Mean of S = sum_j sigmoid(x_j + theta) over j != exclude. */
function meanOfS(scores: Float32Array, n: number, exclude: number, shift: number, scale: number, theta: number): number {
  let mean = 0;
  for (let j = 0; j < n; j++) if (j !== exclude) mean += 1 / (1 + Math.exp(-((scores[j] - shift) * scale + theta)));
  return mean;
}

/** Tilt of one row with its shift c (the k-th largest score of s\y), as the backend forms it. */
function tiltOf(scores: Float32Array, k: number, tau: number, y: number): { theta: number; shift: number; scale: number } {
  const n = scores.length;
  const shift = kthLargest(scores, 0, n, k, y, new Float64Array(k), new Int32Array(k));
  const scale = 1 / (k * tau);
  return { theta: leafTilt(scores, 0, n, k, y, shift, scale), shift, scale };
}

describe('leafTilt', () => {
  const rows: Array<[string, Float32Array]> = [
    ['equal scores', new Float32Array(1000).fill(0.5)],
    ['spread scores', new Float32Array(1000).map((_, j) => Math.fround(Math.sin(j * 1.7) * 2))],
    ['huge gaps with ties at the shift', new Float32Array(1000).map((_, j) => (j % 3 === 0 ? 1e4 : j % 3 === 1 ? 0 : -1e4))],
  ];
  it.each(rows)('%s: puts the mean of S within 1/4 of k - 1/2, theta in [-log(2n) - 1, log(2k) + 1]', (_, scores) => {
    for (const k of [1, 5, 200, 600, 998]) {
      for (const tau of [1e-3, 1, 1e3]) {
        const { theta, shift, scale } = tiltOf(scores, k, tau, 7);
        expect(Math.abs(meanOfS(scores, 1000, 7, shift, scale, theta) - (k - 0.5))).toBeLessThanOrEqual(0.25);
        expect(theta).toBeGreaterThanOrEqual(-Math.log(2000) - 1);
        expect(theta).toBeLessThanOrEqual(Math.log(2 * k) + 1);
      }
    }
  });
});

/**
 * P(S = k-1) and P(S = k) in float64 for the leaves the device forms: x in float32 from the
 * float32 shift c - theta k tau, as the backend rounds it, p = sigmoid(x). Truncated at degree k
 * (exact below it).
 */
function rootProbabilities(scores: Float32Array, k: number, tau: number, y: number): [number, number] {
  const n = scores.length;
  const { theta, shift, scale } = tiltOf(scores, k, tau, y);
  const tilted = Math.fround(shift - theta / scale);
  const scale32 = Math.fround(scale);
  const dist = new Float64Array(k + 1);
  dist[0] = 1;
  for (let j = 0; j < n; j++) {
    if (j === y) continue;
    const x = Math.fround(Math.fround(scores[j] - tilted) * scale32);
    const p = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    for (let m = k; m >= 1; m--) dist[m] = dist[m] * (1 - p) + dist[m - 1] * p;
    dist[0] *= 1 - p;
  }
  return [dist[k - 1], dist[k]];
}

describe('the tilted root in linear space', () => {
  // The tilted regime's kernels run in linear space: coefficients below ~1e-38 flush to 0, which
  // is harmless only if the two root coefficients every ratio divides by are far above that. With
  // the tilt they sit at the mode of S: about 1 / sqrt(2 pi var S), var S <= k.
  let seed = 2024;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  const rows: Array<[string, number, (j: number) => number]> = [
    ['equal scores', 3000, () => 0.5],
    ['equal scores at 3e4', 3000, () => 3e4],
    ['random in [-2, 2]', 3000, () => random() * 4 - 2],
    ['random in [-1e4, 1e4]', 3000, () => (random() * 2 - 1) * 1e4],
    ['ties at +-3e4 and 0', 3000, (j) => (j % 3 === 0 ? 3e4 : j % 3 === 1 ? 0 : -3e4)],
    ['a block of ties at the top, the rest far below', 3000, (j) => (j < 1200 ? 1e4 : -1e4 + j)],
    ['quantised ties scaled by 100', 3000, () => Math.round((random() * 4 - 2) * 4) * 25],
  ];
  it.each(rows)('%s: P(S = k-1) and P(S = k) are at least 1 / (8 (1 + sqrt k)) at k = 2..2500, tau = 1e-3..1e3', (_, n, score) => {
    const scores = new Float32Array(n).map((_, j) => Math.fround(score(j)));
    for (const k of [2, 9, 50, 300, 1000, 2500]) {
      for (const tau of [1e-3, 1, 1e3]) {
        const [below, at] = rootProbabilities(scores, k, Math.fround(tau), 7);
        const bound = 1 / (8 * (1 + Math.sqrt(k)));
        expect(below).toBeGreaterThan(bound);
        expect(at).toBeGreaterThan(bound);
      }
    }
  });
});
