import * as tf from '@tensorflow/tfjs';
import { topkSvmLoss } from '@topk/core';
import { describe, expect, it } from 'vitest';
import { HashedEmbedding } from '../src/embedding.js';
import { featurize, wordNgramIds } from '../src/features.js';
import { normalizeWord, parseDic } from '../src/dictionaries.js';
import { createRandom } from '../src/random.js';
import { localSmoothSvmLoss } from '../src/smooth-svm-local.js';

const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

describe('dictionary words', () => {
  it('keeps stems, lower-cases them and drops non-words', () => {
    expect([...parseDic('4\nHaus/Nm\nda\tpo:adv\n3D\ncafé/S\n')]).toEqual(['haus', 'da', 'café']);
    expect(normalizeWord("aujourd'hui")).toBe("aujourd'hui");
    expect(normalizeWord('e.g.')).toBeUndefined();
  });
});

describe('n-gram features', () => {
  const config = { buckets: 1024, minN: 1, maxN: 4, slots: 64 };
  it('hashes the 1- to 4-grams of the marked word', () => {
    // "cat" -> 3 unigrams, 4 bigrams, 3 trigrams, 2 four-grams with the boundary marks.
    expect(wordNgramIds('cat', config)).toHaveLength(12);
    expect(wordNgramIds('cat', config)).toEqual(wordNgramIds('cat', config));
  });
  it('gives mean-pooling weights that sum to one per word', () => {
    const f = featurize(['cat', 'chien'], config);
    for (let row = 0; row < 2; row++) {
      const sum = f.weights.slice(row * 64, row * 64 + 64).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
  });
});

describe('hashed embedding', () => {
  it('pools rows and scatters the gradient back as TF.js gather would', async () => {
    await tf.setBackend('cpu');
    const embedding = new HashedEmbedding(16, 3, createRandom(5), adam);
    const ids = Int32Array.from([1, 4, 4, 0, 7, 2, 0, 0]);
    const weights = Float32Array.from([0.25, 0.5, 0.25, 0, 0.5, 0.5, 0, 0]);
    const examples = [0, 1];
    const pooled = embedding.pool(ids, weights, 4, examples);
    const dPooled = Float32Array.from([1, -2, 0.5, 3, 1, -1]);
    const table = tf.tensor2d(embedding.table, [16, 3]);
    const f = (t: tf.Tensor) =>
      tf.sum(tf.mul(tf.sum(tf.mul(tf.gather(t, tf.tensor2d(ids, [2, 4], 'int32')), tf.tensor3d(weights, [2, 4, 1])), 1), tf.tensor2d(dPooled, [2, 3])));
    const expectedPooled = tf.sum(tf.mul(tf.gather(table, tf.tensor2d(ids, [2, 4], 'int32')), tf.tensor3d(weights, [2, 4, 1])), 1);
    expect(Array.from(pooled)).toEqual(Array.from(expectedPooled.dataSync()).map((x) => expect.closeTo(x, 6)));
    embedding.accumulate(ids, weights, 4, examples, dPooled);
    const expectedGrad = tf.grad(f)(table).dataSync();
    const before = embedding.table.slice();
    embedding.applyAdam();
    // The first Adam step moves each entry by -lr * sign(grad) (bias-corrected m / sqrt(v)).
    before.forEach((value, i) => {
      const step = embedding.table[i] - value;
      if (expectedGrad[i] === 0) expect(step).toBe(0);
      else expect(step).toBeCloseTo(-adam.learningRate * Math.sign(expectedGrad[i]), 6);
    });
  });
});

describe('the local smooth top-k SVM loss (fallback)', () => {
  it('agrees with @topk/core on float32-rounded scores', async () => {
    await tf.setBackend('cpu');
    const random = createRandom(11);
    const [batch, n] = [16, 45];
    const scores = Float32Array.from({ length: batch * n }, () => (random() - 0.5) * 20);
    const labels = Int32Array.from({ length: batch }, () => Math.floor(random() * n));
    for (const tau of [1, 0.1]) {
      const reference = topkSvmLoss({ scores, shape: [batch, n], labels, k: 5, tau, alpha: 1, mode: 'smooth', reduction: 'mean', grad: true });
      const loss = localSmoothSvmLoss({ k: 5, tau, alpha: 1 });
      const { value, grad } = tf.valueAndGrad((s: tf.Tensor) => loss(tf.tensor1d(labels, 'int32'), s as tf.Tensor2D))(tf.tensor2d(scores, [batch, n]));
      const v = value.dataSync()[0];
      expect(Math.abs(v - reference.value) / Math.max(1, Math.abs(reference.value))).toBeLessThan(1e-5);
      const g = grad.dataSync();
      g.forEach((x, i) => expect(Math.abs(x - reference.grad![i])).toBeLessThan(1e-5));
    }
  });
});
