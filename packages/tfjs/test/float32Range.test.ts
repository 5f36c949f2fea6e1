/**
 * Parameters and scores at the edges of float32: every valid request either computes what core
 * (float64) computes, or is rejected up front with a TopKArgumentError naming the argument, the
 * value given and the limit. Never NaN or Infinity.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CoreBackend, TopKArgumentError, type LossRequest } from '@topk/core';
import { createTfjsBackend, topkSvmLossOp } from '../src/index.js';

const core = new CoreBackend();

async function agreesWithCore(name: 'wasm' | 'cpu', request: LossRequest) {
  const backend = await createTfjsBackend(name);
  const [got, want] = await Promise.all([backend.loss(request), core.loss({ ...request, scores: Float64Array.from(request.scores) })]);
  backend.dispose();
  expect([...got.losses, ...got.grad!].every(Number.isFinite)).toBe(true);
  for (let i = 0; i < got.losses.length; i++) expect(Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i]))).toBeLessThan(1e-5);
  for (let j = 0; j < got.grad!.length; j++) expect(Math.abs(got.grad![j] - want.grad![j])).toBeLessThan(1e-5);
}

const scores = new Float32Array([1, 0.5, 0, -1, 3, 3, -2, 0.25]);
const base = { scores, shape: [2, 4] as [number, number], labels: [1, 2], k: 2, grad: true };

for (const name of ['wasm', 'cpu'] as const) {
  describe(`tfjs:${name} at the edges of float32`, () => {
    for (const [tau, alpha] of [[1e-46, 1], [1e-40, 0], [1e39, 1], [1e300, 1], [1, 3e38], [1e-20, 1e-20 * 3e38]]) {
      it(`computes tau = ${tau}, alpha = ${alpha} as core does (scaled on the host)`, () => agreesWithCore(name, { ...base, tau, alpha }));
    }

    it('computes scores near the float32 limit with tau = 1e-3 (differences / (k tau) far beyond float32)', () =>
      agreesWithCore(name, { scores: new Float32Array([3e38, -3e38, 1e38, 2.9e38, -3.4e38, 3.4e38, 0, 1]), shape: [2, 4], labels: [1, 2], k: 2, tau: 1e-3, grad: true }));

    it('rejects tau whose alpha / tau no float32 scale holds, naming tau, its value and the limit', async () => {
      const backend = await createTfjsBackend(name);
      await expect(backend.loss({ ...base, tau: 1e-300 })).rejects.toThrow(/invalid tau = 1e-300: alpha \/ tau must be at most 2\^200/);
      backend.dispose();
    });

    it('rejects float64 scores beyond float32, naming scores[i][j], the value and the float32 limit', async () => {
      const backend = await createTfjsBackend(name);
      const error = await backend.loss({ scores: new Float64Array([0, 1, -1e39, 2]), shape: [1, 4], labels: [0], k: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TopKArgumentError);
      expect((error as TopKArgumentError).argument).toBe('scores[0][2]');
      expect((error as Error).message).toMatch(/-1e\+39.*3\.40282346\d*e\+38/);
      backend.dispose();
    });

    it('the tensor op computes tiny and huge tau by scaling in the graph, and rejects losses beyond float32', async () => {
      await tf.setBackend(name);
      const reference = await core.loss({ ...base, scores: Float64Array.from(scores), tau: 1e-46, reduction: 'sum' });
      const got = (await topkSvmLossOp(tf.tensor1d(base.labels), tf.tensor2d(scores, [2, 4]), { k: 2, tau: 1e-46 }, undefined, tf.Reduction.SUM).data())[0];
      expect(Math.abs(got - reference.value)).toBeLessThan(1e-5);
      const huge = await core.loss({ ...base, scores: Float64Array.from(scores), tau: 1e38, reduction: 'none' });
      const hugeGot = await topkSvmLossOp(tf.tensor1d(base.labels), tf.tensor2d(scores, [2, 4]), { k: 2, tau: 1e38 }, undefined, tf.Reduction.NONE).data();
      hugeGot.forEach((v, i) => expect(Math.abs(v - huge.losses[i]) / huge.losses[i]).toBeLessThan(1e-5));
      expect(() => topkSvmLossOp(tf.tensor1d(base.labels), tf.tensor2d(scores, [2, 4]), { k: 2, tau: 1e39 })).toThrow(/invalid tau = 1e\+39: the losses.*must fit float32/);
    });
  });
}
