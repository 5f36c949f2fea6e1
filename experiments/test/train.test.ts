import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GlyphDataset, Split } from '../src/dataset.js';
import { PAPER_LOSSES } from '../src/losses.js';
import { subsetIndices, trainRun } from '../src/train.js';

/** A synthetic 100-class set: class c lights pixel c of a 10x10 picture, plus noise. */
function synthetic(perClass: number, seed: number): Split {
  const count = 100 * perClass;
  const pixels = new Uint8Array(count * 100);
  const labels = new Int32Array(count);
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 100;
    for (let j = 0; j < 100; j++) pixels[i * 100 + j] = Math.floor(random() * 20);
    pixels[i * 100 + labels[i]] = 255;
  }
  return { pixels, labels, count, faces: [] };
}

const data: GlyphDataset = { size: 10, train: synthetic(6, 1), val: synthetic(2, 2), test: synthetic(2, 3) };
const config = { epochs: 8, batchSize: 20, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, hidden: [32] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('subsetIndices', () => {
  it('takes the same fraction of every class, nested across fractions', () => {
    const labels = Int32Array.from({ length: 2000 }, (_, i) => i % 100);
    const tenth = subsetIndices(labels, 0.1, 9);
    const half = subsetIndices(labels, 0.5, 9);
    expect(tenth).toHaveLength(200);
    expect(half).toHaveLength(1000);
    const perClass = new Array(100).fill(0);
    tenth.forEach((i) => perClass[labels[i]]++);
    expect(new Set(perClass)).toEqual(new Set([2]));
    const inHalf = new Set(half);
    tenth.forEach((i) => expect(inHalf.has(i)).toBe(true));
    expect(subsetIndices(labels, 1, 9)).toHaveLength(2000);
  });
});

describe('trainRun', () => {
  it('keeps the first epoch of best validation top-5 as the checkpoint and reads the test set there and after the last epoch', () => {
    const run = trainRun(data, { loss: PAPER_LOSSES[0], grouping: 'blocks', noise: 0, fraction: 1, seed: 1 }, config);
    expect(run.epochs).toHaveLength(8);
    const top5 = run.epochs.map((e) => e.val.top5);
    expect(run.bestEpoch).toBe(top5.indexOf(Math.max(...top5)) + 1);
    // The checkpoint is the first epoch of best validation top-5; the last epoch's weights come last.
    expect(top5.slice(0, run.bestEpoch - 1).every((v) => v < top5[run.bestEpoch - 1])).toBe(true);
    expect(run.best.top5).toBeGreaterThanOrEqual(run.best.top1);
    expect(run.last.top5).toBeGreaterThanOrEqual(run.last.top1);
    if (run.bestEpoch === 8) expect(run.best).toEqual(run.last);
    expect(run.changedLabels).toBe(0);
    [0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001].forEach((lr, i) => expect(run.epochs[i].learningRate).toBeCloseTo(lr, 12));
    // The task is easy: cross-entropy learns it, on validation and on test.
    expect(run.epochs[7].val.top1).toBeGreaterThan(0.5);
    expect(run.last.top1).toBeGreaterThan(0.5);
    for (const e of run.epochs) expect(e.val.top5).toBeGreaterThanOrEqual(e.val.top1);
  });

  it('trains the smooth SVM on noisy labels and counts the labels the noise changed', () => {
    const run = trainRun(data, { loss: PAPER_LOSSES[1], grouping: 'families', noise: 1, fraction: 0.5, seed: 2 }, { ...config, epochs: 2 });
    expect(run.trainCount).toBe(300);
    expect(Math.abs(run.changedLabels - 0.8)).toBeLessThan(0.1);
    for (const e of run.epochs) {
      expect(Number.isFinite(e.trainLoss)).toBe(true);
      expect(e.memorised).toBeGreaterThanOrEqual(0);
      expect(e.memorised).toBeLessThanOrEqual(1);
    }
  });
});
