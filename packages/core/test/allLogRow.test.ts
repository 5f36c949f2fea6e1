/**
 * The all-log-space path of the smooth loss, called directly (ordinary rows reach it only as a
 * fallback or at k tau > 1e300): exact against the brute force over subsets, with the gradient
 * and without, for every k, on a row in the middle of a batch whose neighbours it must not read.
 */
import { describe, expect, it } from 'vitest';
import { SmoothTopkWorkspace, allLogRow } from '../src/loss/smooth.js';
import { kthLargest } from '../src/select.js';
import { smoothLossOracle } from './subsetOracle.js';

const LOSS_TOLERANCE = 1e-10;
const GRAD_TOLERANCE = 1e-9;

const row = [0.4, -1.1, 2.3, 0.9, -0.3, 1.7];
const n = row.length;
const y = 2;
/** Three rows; the neighbours of the middle one hold scores far above every score of it. */
const batch = Float64Array.from([...row.map((s) => s + 1e6), ...row, ...row.map((s) => s + 1e6)]);

function shiftOf(ws: SmoothTopkWorkspace): number {
  return kthLargest(batch, n, n, ws.k, y, ws.heap);
}

describe('the all-log-space path on the middle row of a batch', () => {
  for (let k = 1; k < n; k++) {
    it(`k = ${k}: loss and gradient exact, the neighbouring rows neither read nor written`, () => {
      const tau = 0.7;
      const alpha = 1;
      const ws = new SmoothTopkWorkspace(n, k);
      const grad = new Float64Array(3 * n).fill(-7);
      const loss = allLogRow(batch, n, shiftOf(ws), y, tau, alpha, ws, grad, n);
      const exact = smoothLossOracle(row, y, k, tau, alpha);
      expect(Math.abs(loss - exact.loss) / Math.max(1, Math.abs(exact.loss))).toBeLessThan(LOSS_TOLERANCE);
      exact.grad.forEach((g, j) => expect(Math.abs(grad[n + j] - g), `entry ${j}`).toBeLessThan(GRAD_TOLERANCE));
      for (let j = 0; j < n; j++) {
        expect(grad[j]).toBe(-7);
        expect(grad[2 * n + j]).toBe(-7);
      }
    });

    it(`k = ${k}: the loss alone when no gradient is asked`, () => {
      const tau = 0.7;
      const ws = new SmoothTopkWorkspace(n, k);
      const loss = allLogRow(batch, n, shiftOf(ws), y, tau, 0.5, ws, null, 0);
      const exact = smoothLossOracle(row, y, k, tau, 0.5);
      expect(Math.abs(loss - exact.loss) / Math.max(1, Math.abs(exact.loss))).toBeLessThan(LOSS_TOLERANCE);
    });
  }

  it('makes its buffers once per workspace and reuses them row after row', () => {
    const ws = new SmoothTopkWorkspace(n, 3);
    expect(ws.allLog).toBe(ws.allLog);
  });
});
