/** The log-space leaves' tilt: the mean of S moved to k - 1/2, wherever the scores lie. */
import { describe, expect, it } from 'vitest';
import { kthLargest } from '@topk/core';
import { leafTilt } from '../src/tilt.js';

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
