/**
 * `computeLossRows` computes exactly the rows it is given, so that a batch split into ranges
 * (one per worker thread) comes out the same in any order: each range writes its own losses and
 * its own gradient rows, scaled by their factors, and nothing of the rows next to it. Checked
 * against the losses and gradients by enumeration of the k-subsets.
 */
import { describe, expect, it } from 'vitest';
import { LossRowWorkspace, computeLossRows } from '../src/loss/rows.js';
import { prepareLossBatch } from '../src/loss/topkSvm.js';
import { smoothLossByEnumeration } from './smoothLossByEnumeration.js';

const n = 5;
const k = 2;
const tau = 0.8;
const alpha = 1;
const rows = [
  { s: [0.3, -0.2, 1.1, 0.4, -0.9], y: 2 },
  { s: [-1.5, 0.25, 0.5, 2, 1], y: 0 },
  { s: [0.7, 0.6, -0.1, 0.2, 1.3], y: 4 },
  { s: [1, -1, 0.5, -0.5, 0], y: 3 },
];
const weights = [2, 1, 0.5, 3];

function prepare() {
  return prepareLossBatch({
    scores: Float64Array.from(rows.flatMap((r) => r.s)),
    shape: [rows.length, n],
    labels: rows.map((r) => r.y),
    k,
    tau,
    alpha,
    grad: true,
    reduction: 'sum',
    sampleWeights: weights,
  });
}

function expectRow(losses: Float64Array, grad: Float64Array, i: number, computed: boolean): void {
  const exact = smoothLossByEnumeration(rows[i].s, rows[i].y, k, tau, alpha);
  if (!computed) {
    expect(losses[i], `loss of row ${i}, not computed yet`).toBe(0);
    expect(Array.from(grad.subarray(i * n, (i + 1) * n)), `gradient of row ${i}, not computed yet`).toEqual(new Array(n).fill(0));
    return;
  }
  expect(Math.abs(losses[i] - exact.loss), `loss of row ${i}`).toBeLessThanOrEqual(1e-12);
  exact.grad.forEach((g, j) => expect(Math.abs(grad[i * n + j] - weights[i] * g), `row ${i} entry ${j}`).toBeLessThanOrEqual(1e-12));
}

describe('computeLossRows on a range of rows', () => {
  for (const order of [
    [[1, 2], [3, 4], [0, 1], [2, 3]],
    [[2, 4], [0, 2]],
    [[0, 3], [3, 4]],
  ]) {
    it(`ranges ${order.map(([a, b]) => `${a}..${b - 1}`).join(', ')} in this order: each writes its rows only, scaled by their weights`, () => {
      const { task } = prepare();
      const ws = new LossRowWorkspace(n, k);
      const done = new Set<number>();
      for (const [first, end] of order) {
        computeLossRows(task, first, end, ws);
        for (let i = first; i < end; i++) done.add(i);
        for (let i = 0; i < rows.length; i++) expectRow(task.losses, task.grad!, i, done.has(i));
      }
    });
  }

  it('without a gradient, computes the losses whatever gradScales holds', () => {
    const { task } = prepare();
    const lossesOnly = { ...task, grad: null, gradScales: Float64Array.from(weights) };
    computeLossRows(lossesOnly, 0, rows.length, new LossRowWorkspace(n, k));
    rows.forEach(({ s, y }, i) => expect(Math.abs(task.losses[i] - smoothLossByEnumeration(s, y, k, tau, alpha).loss), `row ${i}`).toBeLessThanOrEqual(1e-12));
  });
});
