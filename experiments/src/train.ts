/**
 * One training run, the same protocol for every loss (the official code's): SGD with Nesterov
 * momentum and weight decay, batch size fixed, the learning rate divided by 10 at 50 % and 75 %
 * of the epochs, training labels noised within groups of five, validation and test clean.
 * After every epoch it records the training loss and accuracy against the noisy labels the model
 * is fitting, and the clean validation accuracy; the weights of the epoch with the best validation
 * top-5 (the first in case of ties) are kept as the run's checkpoint, and the test set is read
 * once with them and once with the last epoch's weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { GlyphDataset, Split } from './dataset.js';
import { GLYPHS, type Grouping } from './glyphs.js';
import { createLoss, type LossSpec } from './losses.js';
import { createMlp } from './model.js';
import { addGroupNoise } from './noise.js';
import { createRandom, deriveSeed, shuffleInPlace } from './random.js';
import { learningRateAt, NesterovSgd } from './sgd.js';

/** Budget, optimiser and model, the same for every loss. */
export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly hidden: readonly number[];
}

/** What one run trains on. */
export interface RunSpec {
  readonly loss: LossSpec;
  readonly grouping: Grouping;
  /** Probability of re-drawing a training label within its group. */
  readonly noise: number;
  /** Fraction of the (clean) training pictures used, the same classes in the same proportion. */
  readonly fraction: number;
  readonly seed: number;
}

/** Top-1 and top-5 accuracy, as fractions. */
export interface Accuracy {
  readonly top1: number;
  readonly top5: number;
}

/** Metrics after one epoch. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly learningRate: number;
  /** Mean training loss against the noisy labels (over the epoch's batches, as the official code logs it). */
  readonly trainLoss: number;
  /** Training accuracy against the noisy labels, over the epoch's batches. */
  readonly train: Accuracy;
  /** Among training pictures whose label the noise changed: how often the top-1 prediction is the noisy label. */
  readonly memorised: number;
  readonly val: Accuracy;
}

/** The outcome of one run. */
export interface RunOutcome {
  readonly epochs: EpochMetrics[];
  /** 1-based epoch with the best validation top-5 (the first of equals): the run's checkpoint. */
  readonly bestEpoch: number;
  /** Test accuracy at the checkpoint. */
  readonly best: Accuracy;
  /** Test accuracy after the last epoch. */
  readonly last: Accuracy;
  /** Fraction of the training labels the noise changed. */
  readonly changedLabels: number;
  readonly trainCount: number;
  /** Wall-clock seconds of the run. */
  readonly seconds: number;
  /** CPU seconds of the process during the run (what sizes a profile on an idle machine). */
  readonly cpuSeconds: number;
}

/** Indices of a class-stratified subset: per class, the first `fraction` of a fixed shuffle (nested across fractions). */
export function subsetIndices(labels: Int32Array, fraction: number, seed: number): Int32Array {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction must lie in (0, 1], got ${fraction}`);
  const byClass: number[][] = Array.from({ length: GLYPHS.length }, () => []);
  labels.forEach((label, i) => byClass[label].push(i));
  const chosen: number[] = [];
  byClass.forEach((members, label) => {
    shuffleInPlace(members, createRandom(deriveSeed(seed, `subset-${label}`)));
    chosen.push(...members.slice(0, Math.max(1, Math.round(fraction * members.length))));
  });
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/** Pictures of `indices` (all if absent) as a `[count, pixels]` float tensor in 0..1. */
function picturesTensor(split: Split, size: number, indices?: Int32Array): tf.Tensor2D {
  const pixels = size * size;
  const rows = indices ?? Int32Array.from({ length: split.count }, (_, i) => i);
  const values = new Float32Array(rows.length * pixels);
  rows.forEach((row, i) => {
    for (let j = 0; j < pixels; j++) values[i * pixels + j] = split.pixels[row * pixels + j] / 255;
  });
  return tf.tensor2d(values, [rows.length, pixels]);
}

/** Counts of labels within the top-1 and top-5 scores (ties count in the label's favour). */
function countTopK(scores: Float32Array, labels: ArrayLike<number>, classes: number): { top1: number; top5: number; argmax: Int32Array } {
  let top1 = 0;
  let top5 = 0;
  const argmax = new Int32Array(labels.length);
  for (let b = 0; b < labels.length; b++) {
    const own = scores[b * classes + labels[b]];
    let higher = 0;
    let best = 0;
    for (let c = 0; c < classes; c++) {
      const s = scores[b * classes + c];
      if (s > own) higher++;
      if (s > scores[b * classes + best]) best = c;
    }
    argmax[b] = best;
    if (higher < 1) top1++;
    if (higher < 5) top5++;
  }
  return { top1, top5, argmax };
}

/** Clean top-1 / top-5 accuracy of `scoresOf` on a split held as a tensor. */
export function evaluate(scoresOf: (x: tf.Tensor2D) => tf.Tensor2D, inputs: tf.Tensor2D, labels: Int32Array): Accuracy {
  const batch = 1024;
  let top1 = 0;
  let top5 = 0;
  for (let start = 0; start < labels.length; start += batch) {
    const end = Math.min(labels.length, start + batch);
    const scores = tf.tidy(() => scoresOf(tf.slice(inputs, [start, 0], [end - start, -1])).dataSync() as Float32Array);
    const counts = countTopK(scores, labels.subarray(start, end), GLYPHS.length);
    top1 += counts.top1;
    top5 += counts.top5;
  }
  return { top1: top1 / labels.length, top5: top5 / labels.length };
}

/** Trains and evaluates one run. `onEpoch` sees each epoch's metrics as they come. */
export function trainRun(data: GlyphDataset, spec: RunSpec, config: TrainConfig, onEpoch: (m: EpochMetrics) => void = () => {}): RunOutcome {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const subset = subsetIndices(data.train.labels, spec.fraction, deriveSeed(0x5eed, 'subset'));
  const clean = Int32Array.from(subset, (i) => data.train.labels[i]);
  const noisy = addGroupNoise(clean, spec.noise, spec.grouping, createRandom(deriveSeed(spec.seed, `noise-${spec.grouping}`)));
  let changed = 0;
  noisy.forEach((label, i) => (changed += label === clean[i] ? 0 : 1));
  const count = noisy.length;
  const trainX = picturesTensor(data.train, data.size, subset);
  const valX = picturesTensor(data.val, data.size);
  const testX = picturesTensor(data.test, data.size);
  const model = createMlp({ inputs: data.size * data.size, hidden: config.hidden, classes: GLYPHS.length }, spec.seed);
  const optimizer = new NesterovSgd(model.variables, { momentum: config.momentum, weightDecay: config.weightDecay });
  const loss = createLoss(spec.loss);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  const shuffle = createRandom(deriveSeed(spec.seed, 'batches'));
  const steps = Math.ceil(count / config.batchSize);
  const epochs: EpochMetrics[] = [];
  let checkpoint: tf.Tensor[] = [];
  let bestEpoch = 0;
  let best: Accuracy;
  let last: Accuracy;
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const lr = learningRateAt(epoch, config.epochs, config.learningRate);
      shuffleInPlace(order, shuffle);
      let lossSum = 0;
      let top1 = 0;
      let top5 = 0;
      let memorised = 0;
      for (let step = 0; step < steps; step++) {
        const rows = order.subarray(step * config.batchSize, Math.min(count, (step + 1) * config.batchSize));
        const batchLabels = Int32Array.from(rows, (i) => noisy[i]);
        const [value, scores] = tf.tidy(() => {
          const x = tf.gather(trainX, tf.tensor1d(rows, 'int32')) as tf.Tensor2D;
          const y = tf.tensor1d(batchLabels, 'int32');
          let scoresTensor: tf.Tensor2D | undefined;
          const { value, grads } = tf.variableGrads(() => {
            // Kept out of the gradient's scope to read the training accuracy after the step.
            scoresTensor = tf.keep(model.scores(x));
            return loss(y, scoresTensor);
          }, model.variables);
          optimizer.step(model.variables.map((v) => grads[v.name]), lr);
          const scoreValues = scoresTensor!.dataSync() as Float32Array;
          scoresTensor!.dispose();
          return [value.dataSync()[0], scoreValues] as const;
        });
        if (!Number.isFinite(value)) throw new Error(`non-finite training loss ${value} (epoch ${epoch}, step ${step})`);
        lossSum += value * rows.length;
        const counts = countTopK(scores, batchLabels, GLYPHS.length);
        top1 += counts.top1;
        top5 += counts.top5;
        rows.forEach((row, b) => (memorised += noisy[row] !== clean[row] && counts.argmax[b] === noisy[row] ? 1 : 0));
      }
      const metrics: EpochMetrics = {
        epoch,
        learningRate: lr,
        trainLoss: lossSum / count,
        train: { top1: top1 / count, top5: top5 / count },
        memorised: changed === 0 ? 0 : memorised / changed,
        val: evaluate((x) => model.scores(x), valX, data.val.labels),
      };
      epochs.push(metrics);
      if (bestEpoch === 0 || metrics.val.top5 > epochs[bestEpoch - 1].val.top5) {
        tf.dispose(checkpoint);
        checkpoint = model.variables.map((v) => tf.clone(v));
        bestEpoch = epoch;
      }
      onEpoch(metrics);
    }
    best = evaluate((x) => model.scores(x, checkpoint), testX, data.test.labels);
    last = evaluate((x) => model.scores(x), testX, data.test.labels);
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([trainX, valX, testX, ...checkpoint]);
  }
  return {
    epochs,
    bestEpoch,
    best,
    last,
    changedLabels: changed / count,
    trainCount: count,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: ((cpu) => (cpu.user + cpu.system) / 1e6)(process.cpuUsage(cpuStarted)),
  };
}
