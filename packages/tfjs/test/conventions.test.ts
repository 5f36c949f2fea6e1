/**
 * The TF.js conventions of the tensor entry points: classes on the last axis by default (and
 * on axis 1 on request), the functional op's weights and reductions as `tf.losses.*`, the
 * Keras-style loss returning per-sample losses so that `model.fit` applies class weights, and
 * the backward pass only under a gradient tape. References are @topk/core (float64).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CoreBackend, TopKArgumentError } from '@topk/core';
import { createTfjsBackend, topkSvmKerasLoss, topkSvmLossOp, topkLossTensors, type TfjsBackend } from '../src/index.js';
import { computeLossTensors } from '../src/ops/lossTensors.js';

const core = new CoreBackend();

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

for (const name of ['cpu', 'wasm'] as const) {
  describe(`tfjs:${name}: TF.js conventions`, () => {
    let backend: TfjsBackend;
    beforeAll(async () => {
      backend = await createTfjsBackend(name);
      await tf.setBackend(name);
    });
    afterAll(() => backend.dispose());

    it('takes a channels-last one-hot [2, 4, 4, 3] output position by position, as core does', async () => {
      const [b, h, w, n] = [2, 4, 4, 3];
      const r = random(5);
      const scores = Float32Array.from({ length: b * h * w * n }, () => Math.fround(r() * 6 - 3));
      const labels = Array.from({ length: b * h * w }, () => Math.floor(r() * n));
      const yPred = tf.tensor4d(scores, [b, h, w, n]);
      const yTrue = tf.oneHot(tf.tensor3d(labels, [b, h, w], 'int32'), n);
      const losses = topkSvmKerasLoss({ k: 1, tau: 0.5 })(yTrue, yPred);
      expect(losses.shape).toEqual([b, h, w]);
      // Classes last: position p's scores are entries p n .. p n + n - 1, the rows core takes.
      const reference = await core.loss({ scores: Float64Array.from(scores), shape: [b * h * w, n], labels, k: 1, tau: 0.5 });
      expect(maxAbsDiff(await losses.data(), reference.losses)).toBeLessThan(1e-5);
      // Integer labels [b, h, w] and [b, h, w, 1] give the same losses.
      const sparse = tf.tensor3d(labels, [b, h, w]);
      expect(Array.from(await topkSvmKerasLoss({ k: 1, tau: 0.5 })(sparse, yPred).data())).toEqual(Array.from(await losses.data()));
      expect(Array.from(await topkSvmKerasLoss({ k: 1, tau: 0.5 })(tf.reshape(sparse, [b, h, w, 1]), yPred).data())).toEqual(Array.from(await losses.data()));
    });

    it('takes classes on axis 1 with classAxis: 1, and rejects shapes that fit neither layout', async () => {
      const [b, n, h, w] = [2, 5, 3, 2];
      const r = random(3);
      const scores = Float32Array.from({ length: b * n * h * w }, () => Math.fround(r() * 4 - 2));
      const labels = Array.from({ length: b * h * w }, () => Math.floor(r() * n));
      const yPred = tf.tensor4d(scores, [b, n, h, w]);
      const losses = topkSvmKerasLoss({ k: 2, classAxis: 1 })(tf.tensor3d(labels, [b, h, w]), yPred);
      expect(losses.shape).toEqual([b, h, w]);
      const rows = (await tf.reshape(tf.transpose(yPred, [0, 2, 3, 1]), [-1, n]).data()) as Float32Array;
      const reference = await core.loss({ scores: Float64Array.from(rows), shape: [b * h * w, n], labels, k: 2 });
      expect(maxAbsDiff(await losses.data(), reference.losses)).toBeLessThan(1e-5);
      // The gradient comes back in the predictions' layout: core's rows, classes moved back to axis 1.
      const full = await core.loss({ scores: Float64Array.from(rows), shape: [b * h * w, n], labels, k: 2, reduction: 'sum', grad: true });
      const g = tf.grad((s: tf.Tensor) => tf.sum(topkSvmKerasLoss({ k: 2, classAxis: 1 })(tf.tensor3d(labels, [b, h, w]), s)))(yPred);
      expect(g.shape).toEqual([b, n, h, w]);
      const gRows = await tf.reshape(tf.transpose(g, [0, 2, 3, 1]), [-1, n]).data();
      expect(maxAbsDiff(gRows, full.grad!)).toBeLessThan(1e-5);
      // The same integer labels with the default (classes last) fit no layout of [2, 5, 3, 2]; the error says which would.
      expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor3d(labels, [b, h, w]), yPred)).toThrow(/yTrue\.shape.*classAxis: 1/);
      expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor1d([0, 1, 2]), yPred)).toThrow(TopKArgumentError);
      expect(() => topkSvmKerasLoss({ k: 2, classAxis: 2 as 1 })).toThrow(TopKArgumentError);
    });

    it('the functional op weights and reduces as tf.losses does (default SUM_BY_NONZERO_WEIGHTS)', async () => {
      const [batch, n, k] = [6, 7, 2];
      const r = random(9);
      const scores = Float32Array.from({ length: batch * n }, () => Math.fround(r() * 4 - 2));
      const labels = Array.from({ length: batch }, () => Math.floor(r() * n));
      const weights = [0.5, 0, 2, 1, 0, 3];
      const { losses } = await core.loss({ scores: Float64Array.from(scores), shape: [batch, n], labels, k });
      const weighted = Array.from(losses, (l, i) => l * weights[i]);
      const sum = weighted.reduce((a, b) => a + b, 0);
      const yPred = tf.tensor2d(scores, [batch, n]);
      const yTrue = tf.tensor1d(labels);
      const w = tf.tensor1d(weights);
      const op = (reduction?: tf.Reduction) => topkSvmLossOp(yTrue, yPred, { k }, w, reduction).data();
      const close = async (got: Promise<ArrayLike<number>>, want: number) => expect(Math.abs((await got)[0] - want)).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
      await close(op(), sum / 4); // four non-zero weights
      await close(op(tf.Reduction.SUM_BY_NONZERO_WEIGHTS), sum / 4);
      await close(op(tf.Reduction.MEAN), sum / weights.reduce((a, b) => a + b, 0));
      await close(op(tf.Reduction.SUM), sum);
      expect(maxAbsDiff(await topkSvmLossOp(yTrue, yPred, { k }, w, tf.Reduction.NONE).data(), weighted)).toBeLessThan(1e-5);
      await close(topkSvmLossOp(yTrue, yPred, { k }).data(), Array.from(losses).reduce((a, b) => a + b, 0) / batch);
      // Its gradient (MEAN) is core's weighted-mean gradient.
      const reference = await core.loss({ scores: Float64Array.from(scores), shape: [batch, n], labels, k, sampleWeights: weights, reduction: 'mean', grad: true });
      const g = tf.grad((s: tf.Tensor) => topkSvmLossOp(yTrue, s, { k }, w, tf.Reduction.MEAN))(yPred);
      expect(maxAbsDiff(await g.data(), reference.grad!)).toBeLessThan(1e-5);
    });

    it('model.fit with classWeight logs the weighted mean loss and makes the weighted-mean update, by hand from core', async () => {
      const [samples, features, n, k] = [8, 3, 4, 2];
      const r = random(21);
      const xs = Array.from({ length: samples * features }, () => Math.fround(r() * 2 - 1));
      const labels = Array.from({ length: samples }, (_, i) => i % n);
      const kernel = Array.from({ length: features * n }, () => Math.fround(r() - 0.5));
      const classWeight: Record<number, number> = { 0: 1, 1: 3, 2: 0.5, 3: 2 };
      const model = tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [features], useBias: false, weights: [tf.tensor2d(kernel, [features, n])] })] });
      const learningRate = 0.5;
      model.compile({ optimizer: tf.train.sgd(learningRate), loss: topkSvmKerasLoss({ k }) });
      const x = tf.tensor2d(xs, [samples, features]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), n);
      const history = await model.fit(x, y, { epochs: 1, batchSize: samples, classWeight, shuffle: false, verbose: 0 });
      // By hand: scores = x W; loss = mean_i w_{y_i} l_i; dLoss/dW = x^T (w_i g_i) / samples.
      const scores = new Float64Array(samples * n);
      for (let i = 0; i < samples; i++) for (let c = 0; c < n; c++) for (let f = 0; f < features; f++) scores[i * n + c] += xs[i * features + f] * kernel[f * n + c];
      const reference = await core.loss({ scores, shape: [samples, n], labels, k, grad: true });
      const w = labels.map((l) => classWeight[l]);
      const expectedLoss = Array.from(reference.losses).reduce((t, l, i) => t + w[i] * l, 0) / samples;
      expect(Math.abs((history.history.loss[0] as number) - expectedLoss)).toBeLessThan(1e-5 * Math.max(1, expectedLoss));
      const updated = new Float64Array(kernel);
      for (let f = 0; f < features; f++) {
        for (let c = 0; c < n; c++) {
          let g = 0;
          for (let i = 0; i < samples; i++) g += xs[i * features + f] * w[i] * reference.grad![i * n + c];
          updated[f * n + c] -= (learningRate * g) / samples;
        }
      }
      expect(maxAbsDiff(await model.getWeights()[0].data(), updated)).toBeLessThan(1e-5);
      model.dispose();
      tf.dispose([x, y]);
    });

    it('runs no backward kernels in a forward-only call (plain call, model.evaluate)', async () => {
      const [batch, n, k] = [16, 40, 5];
      const r = random(2);
      const yPred = tf.tensor2d(Float32Array.from({ length: batch * n }, () => r() * 4 - 2), [batch, n]);
      const labels = tf.tensor1d(Array.from({ length: batch }, () => Math.floor(r() * n)), 'int32');
      const yTrue = tf.oneHot(labels, n);
      const count = async (f: () => tf.TensorContainer) => {
        const info = await tf.profile(() => {
          const out = f();
          tf.dispose(out);
          return [] as tf.Tensor[];
        });
        return info.kernels.length;
      };
      const options = { k, tau: 1, alpha: 1, mode: 'smooth', backward: 'exact' } as const;
      const forward = await count(() => computeLossTensors(yPred, labels, { ...options, grad: false }).losses);
      const both = await count(() => Object.values(computeLossTensors(yPred, labels, { ...options, grad: true })) as tf.Tensor[]);
      expect(both).toBeGreaterThan(forward + 40);
      // validate: false leaves out the input check's own reductions, so that only the loss is counted:
      // the wrapper's kernels (reshapes, labels) are a handful, the backward pass more than 40.
      const loss = topkSvmKerasLoss({ k, validate: false });
      const plain = await count(() => loss(yTrue, yPred));
      expect(plain).toBeLessThan(forward + 10);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [4] })] });
      model.compile({ optimizer: 'sgd', loss });
      const x = tf.randomNormal([batch, 4]);
      const evaluate = await count(() => model.evaluate(x, yTrue, { batchSize: batch }) as tf.Scalar);
      const predictOnly = await count(() => model.predict(x) as tf.Tensor);
      // model.evaluate adds to predict the loss's forward kernels and tfjs-layers' own (batch slices, mean), not the backward pass's.
      expect(evaluate - predictOnly - plain).toBeLessThan(20);
      expect(both - forward).toBeGreaterThan(40);
      const taped = await count(() => Object.values(tf.valueAndGrad((s: tf.Tensor) => tf.mean(loss(yTrue, s)) as tf.Scalar)(yPred)) as tf.Tensor[]);
      expect(taped).toBeGreaterThan(both);
      model.dispose();
      tf.dispose([yPred, labels, yTrue, x]);
    });
  });
}

describe('tfjs: labels and scores are checked on every backend and entry point', () => {
  const BAD_LABELS: [string, number[] | number[][], RegExp][] = [
    ['out of range', [0, 12], /\[1\] = 12/],
    ['fractional', [0, 1.5], /\[1\] = 1\.5/],
    ['NaN', [0, NaN], /\[1\] = NaN/],
    ['negative', [-1, 0], /\[0\] = -1/],
  ];
  for (const name of ['cpu', 'wasm', 'webgpu'] as const) {
    it(`${name}: the Keras-style loss, the op, topkLossTensors and TfjsBackend.loss throw TopKArgumentError naming the entry`, async () => {
      const backend = await createTfjsBackend(name);
      await tf.setBackend(name);
      const scores = tf.tensor2d([[1, 2, 3, 4], [4, 3, 2, 1]]);
      for (const [, labels, message] of BAD_LABELS) {
        const y = tf.tensor1d(labels as number[]);
        expect(() => topkSvmKerasLoss({ k: 2 })(y, scores)).toThrow(TopKArgumentError);
        expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor1d(labels as number[]), scores)).toThrow(message);
        expect(() => topkSvmLossOp(tf.tensor1d(labels as number[]), scores, { k: 2 })).toThrow(message);
        expect(() => topkLossTensors(scores, tf.tensor1d(labels as number[]), { k: 2, tau: 1, alpha: 1, mode: 'smooth', backward: 'exact', grad: false })).toThrow(message);
        await expect(backend.loss({ scores: new Float32Array(8), shape: [2, 4], labels: labels as number[], k: 2 })).rejects.toThrow(TopKArgumentError);
      }
      // One-hot rows that are not one-hot.
      expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor2d([[0, 1, 0, 0], [0, 1, 1, 0]]), scores)).toThrow(/yTrue\[1\] = \[0, 1, 1, 0\]/);
      expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor2d([[0, 0, 0, 0], [0, 1, 0, 0]]), scores)).toThrow(/yTrue\[0\]/);
      expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor2d([[0, 0.5, 0.5, 0], [0, 1, 0, 0]]), scores)).toThrow(TopKArgumentError);
      // NaN and infinite scores.
      expect(() => topkSvmKerasLoss({ k: 2 })(tf.tensor1d([0, 1]), tf.tensor2d([[1, 2, 3, 4], [4, Infinity, 2, 1]]))).toThrow(/yPred\[1\]\[1\] = Infinity/);
      expect(() => topkSvmLossOp(tf.tensor1d([0, 1]), tf.tensor2d([[1, NaN, 3, 4], [4, 3, 2, 1]]), { k: 2 })).toThrow(/predictions\[0\]\[1\] = NaN/);
      await expect(backend.loss({ scores: new Float32Array([1, NaN, 0, 0]), shape: [1, 4], labels: [0], k: 2 })).rejects.toThrow(/scores\[0\]\[1\]/);
      // validate: false skips the check; valid input gives the same losses.
      const checked = await topkSvmKerasLoss({ k: 2 })(tf.tensor1d([0, 3]), scores).data();
      const unchecked = await topkSvmKerasLoss({ k: 2, validate: false })(tf.tensor1d([0, 3]), scores).data();
      expect(Array.from(unchecked)).toEqual(Array.from(checked));
      backend.dispose();
    }, 120_000);
  }

  it('webgpu: labels held on the device (no synchronous read-back in Node) give NaN, never a finite loss', async () => {
    const backend = await createTfjsBackend('webgpu');
    await tf.setBackend('webgpu');
    const scores = tf.tensor2d([[1, 2, 3, 4], [4, 3, 2, 1]]);
    // Computed on the device (small ops would otherwise run on the host): its values are not on the host.
    const cpuForward = tf.env().getBool('WEBGPU_CPU_FORWARD');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    const labels = tf.add(tf.tensor1d([0, 11]), tf.tensor1d([0, 1]));
    const losses = await topkSvmKerasLoss({ k: 2 })(labels, tf.add(scores, 0)).data();
    tf.env().set('WEBGPU_CPU_FORWARD', cpuForward);
    expect(Number.isFinite(losses[0])).toBe(true);
    expect(Number.isNaN(losses[1])).toBe(true);
    backend.dispose();
  }, 120_000);
});
