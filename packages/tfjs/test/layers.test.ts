/**
 * The TF.js-native API on every backend that runs here: tf.grad through the loss equals core's
 * gradient, a tiny model compiled with the loss and the top-k metric trains, no tensor leaks,
 * spatial inputs and one-hot labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CoreBackend, TopKArgumentError } from '@topk/core';
import { createTfjsBackend, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy, topkSvmKerasLoss, topkSvmLossOp, type TfjsBackend } from '../src/index.js';

const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
const core = new CoreBackend();

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function scoresAndLabels(batch: number, n: number, scale: number, seed: number) {
  const r = random(seed);
  const scores = Float32Array.from({ length: batch * n }, () => Math.fround((r() * 6 - 3) * scale));
  const labels = Array.from({ length: batch }, () => Math.floor(r() * n));
  return { scores, labels };
}

for (const name of BACKENDS) {
  describe(`tfjs:${name}: TF.js-native loss and metrics`, () => {
    let backend: TfjsBackend;
    beforeAll(async () => {
      backend = await createTfjsBackend(name);
      await tf.setBackend(backend.tfjs.tfName);
    });
    afterAll(() => backend.dispose());

    it('tf.grad through the loss equals core gradient (mean reduction, class weights, hard scales)', async () => {
      await tf.setBackend(backend.tfjs.tfName);
      for (const [scale, tau] of [[1, 1], [1e4, 1e-3], [10, 0.1]] as const) {
        const batch = 6;
        const n = 9;
        const { scores, labels } = scoresAndLabels(batch, n, scale, 7 + scale);
        const classWeights = Array.from({ length: n }, (_, j) => 0.5 + j / 4);
        // Class weights as per-sample weights of the functional op; tf.Reduction.MEAN is core's 'mean'.
        const weights = tf.tensor1d(labels.map((label) => classWeights[label]));
        const yTrue = tf.tensor2d(labels, [batch, 1]);
        const yPred = tf.tensor2d(scores, [batch, n]);
        const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => topkSvmLossOp(yTrue, s, { k: 3, tau, alpha: 1 }, weights, tf.Reduction.MEAN) as tf.Scalar)(yPred);
        const reference = await core.loss({ scores: Float64Array.from(scores), shape: [batch, n], labels, k: 3, tau, alpha: 1, reduction: 'mean', classWeights, grad: true });
        expect(Math.abs((await value.data())[0] - reference.value) / Math.max(1, Math.abs(reference.value))).toBeLessThan(1e-5);
        const g = await grad.data();
        const worst = Math.max(...Array.from(g, (v, i) => Math.abs(v - reference.grad![i])));
        expect(worst).toBeLessThan(1e-5);
        tf.dispose([yTrue, yPred, value, grad]);
      }
    });

    it("tf.grad with the paper's backward equals core's paper gradient, and leaks no tensors", async () => {
      await tf.setBackend(backend.tfjs.tfName);
      // One score of 3e4 among zeros with tau 1e-3: the paper's series is taken, and clamped.
      const [batch, n, k, tau] = [2, 12, 3, 1e-3];
      const scores = Float32Array.from({ length: batch * n }, (_, i) => (i === 7 || i === n + 2 ? 3e4 : 0));
      const labels = [1, 5];
      const yTrue = tf.tensor1d(labels);
      const yPred = tf.tensor2d(scores, [batch, n]);
      const valueAndGrad = tf.valueAndGrad((s: tf.Tensor) => topkSvmLossOp(yTrue, s, { k, tau, backward: 'paper' }, undefined, tf.Reduction.SUM) as tf.Scalar);
      const first = valueAndGrad(yPred);
      const reference = await core.loss({ scores: Float64Array.from(scores), shape: [batch, n], labels, k, tau, reduction: 'sum', backward: 'paper', grad: true });
      const exact = await core.loss({ scores: Float64Array.from(scores), shape: [batch, n], labels, k, tau, reduction: 'sum', grad: true });
      expect(Math.max(...reference.grad!.map((v, i) => Math.abs(v - exact.grad![i])))).toBeGreaterThan(0.1);
      const g = await first.grad.data();
      expect(Math.max(...Array.from(g, (v, i) => Math.abs(v - reference.grad![i])))).toBeLessThan(1e-5);
      tf.dispose([first.value, first.grad]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) {
        const { value, grad } = valueAndGrad(yPred);
        tf.dispose([value, grad]);
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([yTrue, yPred]);
    });

    it('with classAxis: 1, accepts one-hot labels and [batch, n, ...spatial] scores (one loss per position)', async () => {
      await tf.setBackend(backend.tfjs.tfName);
      const [batch, n, h, w] = [2, 5, 3, 2];
      const r = random(3);
      const data = Float32Array.from({ length: batch * n * h * w }, () => Math.fround(r() * 4 - 2));
      const labelData = Array.from({ length: batch * h * w }, () => Math.floor(r() * n));
      const yPred = tf.tensor4d(data, [batch, n, h, w]);
      const sparse = tf.tensor3d(labelData, [batch, h, w]);
      const oneHotRows = labelData.flatMap((label) => Array.from({ length: n }, (_, j) => (j === label ? 1 : 0)));
      const oneHot = tf.transpose(tf.tensor4d(oneHotRows, [batch, h, w, n]), [0, 3, 1, 2]);
      const loss = topkSvmKerasLoss({ k: 2, tau: 0.5, classAxis: 1 });
      const fromSparse = loss(sparse, yPred);
      const fromOneHot = loss(oneHot, yPred);
      expect(fromSparse.shape).toEqual([batch, h, w]);
      // Reference: the same positions as rows of a [batch * h * w, n] matrix, classes last.
      const rows = (await tf.transpose(yPred, [0, 2, 3, 1]).reshape([-1, n]).data()) as Float32Array;
      const reference = await core.loss({ scores: Float64Array.from(rows), shape: [batch * h * w, n], labels: labelData, k: 2, tau: 0.5 });
      const got = await fromSparse.data();
      expect(Array.from(await fromOneHot.data())).toEqual(Array.from(got));
      got.forEach((v, i) => expect(Math.abs(v - reference.losses[i])).toBeLessThan(1e-5));
      tf.dispose([yPred, sparse, oneHot, fromSparse, fromOneHot]);
    });

    it('rejects out-of-range labels and bad options with TopKArgumentError', async () => {
      await tf.setBackend(backend.tfjs.tfName);
      expect(() => topkSvmKerasLoss({ k: 0 })).toThrow(TopKArgumentError);
      expect(() => topkSvmKerasLoss({ k: 2, tau: -1 })).toThrow(TopKArgumentError);
      const loss = topkSvmKerasLoss({ k: 2 });
      // Labels held on the host are checked on every backend, WebGPU included.
      expect(() => loss(tf.tensor1d([0, 7]), tf.zeros([2, 4]))).toThrow(TopKArgumentError);
      expect(() => topkSvmKerasLoss({ k: 4 })(tf.tensor1d([0, 1]), tf.zeros([2, 4]))).toThrow(TopKArgumentError);
    });

    it('top-k accuracy metrics count ties in favour of the label, for sparse and one-hot labels', async () => {
      await tf.setBackend(backend.tfjs.tfName);
      const yPred = tf.tensor2d([[0.1, 0.9, 0.5, 0.5], [3, 2, 1, 0], [1, 1, 1, 1]]);
      const sparse = tf.tensor1d([2, 3, 0]);
      const top2 = sparseTopKCategoricalAccuracy(2);
      expect(Array.from(await top2(sparse, yPred).data())).toEqual([1, 0, 1]);
      const oneHot = tf.tensor2d([[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]);
      expect(Array.from(await topKCategoricalAccuracy(2)(oneHot, yPred).data())).toEqual([1, 0, 1]);
      expect(Array.from(await topKCategoricalAccuracy(1)(oneHot, yPred).data())).toEqual([0, 0, 1]);
    });

    it('a tiny model compiled with the loss and a top-k metric trains (its loss falls)', async () => {
      await tf.setBackend(backend.tfjs.tfName);
      const n = 10;
      const features = 8;
      const samples = 128;
      const r = random(11);
      // Labels from a fixed linear rule, so that a linear model can learn them.
      const xs = Float32Array.from({ length: samples * features }, () => r() * 2 - 1);
      const ys = Array.from({ length: samples }, (_, i) => Math.floor(((xs[i * features] + 1) / 2) * n * 0.999));
      const model = tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [features], kernelInitializer: 'zeros' })] });
      model.compile({ optimizer: tf.train.adam(0.05), loss: topkSvmKerasLoss({ k: 3, tau: 0.1 }), metrics: [topKCategoricalAccuracy(3)] });
      const x = tf.tensor2d(xs, [samples, features]);
      // model.fit checks targets against the output shape: one-hot labels.
      const y = tf.tensor2d(ys.flatMap((label) => Array.from({ length: n }, (_, j) => (j === label ? 1 : 0))), [samples, n]);
      const history = await model.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0 });
      const losses = history.history.loss as number[];
      const accuracy = history.history.top3Accuracy as number[];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(0.7 * losses[0]);
      expect(accuracy[accuracy.length - 1]).toBeGreaterThan(accuracy[0]);
      tf.dispose([x, y]);
      model.dispose();
    });

    it('leaks no tensors over 1000 forward and backward calls', async () => {
      await tf.setBackend(backend.tfjs.tfName);
      // Small k and n keep the op count (and WebGPU's per-dispatch cost on llvmpipe) low.
      const { scores, labels } = scoresAndLabels(4, 6, 1, 5);
      const yPred = tf.tensor2d(scores, [4, 6]);
      const yTrue = tf.tensor1d(labels);
      const loss = topkSvmKerasLoss({ k: 2, mode: 'auto' });
      // Each call runs the forward pass and the backward pass.
      const valueAndGrad = tf.valueAndGrad((s: tf.Tensor) => tf.mean(loss(yTrue, s)) as tf.Scalar);
      // Warm up (the first calls may create kernels' constant tensors).
      const warm = valueAndGrad(yPred);
      tf.dispose([warm.value, warm.grad]);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 1000; i++) {
        const { value, grad } = valueAndGrad(yPred);
        tf.dispose([value, grad]);
      }
      expect(tf.memory().numTensors).toBe(before);
      const request = { scores, shape: [4, 6] as [number, number], labels, k: 2, grad: true };
      const beforeBackend = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) await backend.loss(request);
      expect(tf.memory().numTensors).toBe(beforeBackend);
      tf.dispose([yPred, yTrue]);
    });
  });
}
