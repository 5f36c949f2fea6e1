/**
 * One training run: a seeded model trained on noisy labels for a fixed number of epochs with
 * Adam, evaluated on the clean validation and test splits after every epoch. The reported test
 * accuracies are those of the epoch chosen on validation (top-1 by validation top-1, top-5 by
 * validation top-5, as the official code keeps a best-top-1 and a best-top-k checkpoint), so
 * test labels never influence the choice.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamConfig } from './embedding.js';
import type { Features } from './features.js';
import { LANGUAGES } from './languages.js';
import type { BatchLoss } from './losses.js';
import { createClassifier, type ModelConfig, type NgramClassifier } from './model.js';
import { addCoarseNoise } from './noise.js';
import { createRandom, deriveSeed, shuffleInPlace } from './random.js';

/** Featurised words with their clean labels. */
export interface LabelledFeatures {
  readonly features: Features;
  readonly labels: Int32Array;
}

/** Everything a run trains and evaluates on. */
export interface PreparedData {
  readonly train: LabelledFeatures;
  readonly val: LabelledFeatures;
  readonly test: LabelledFeatures;
}

/** Budget and optimiser, the same for every loss. */
export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly evalBatchSize: number;
  readonly adam: AdamConfig;
  readonly model: Omit<ModelConfig, 'classes'>;
}

/** Top-1 and top-5 accuracy. */
export interface Accuracy {
  readonly top1: number;
  readonly top5: number;
}

/** Metrics after one epoch. */
export interface EpochMetrics {
  readonly epoch: number;
  /** Mean training loss against the (noisy) training labels. */
  readonly trainLoss: number;
  readonly val: Accuracy;
  readonly test: Accuracy;
}

/** The outcome of one run. */
export interface RunOutcome {
  readonly epochs: EpochMetrics[];
  /** Epoch (1-based) with the best validation top-1, and the test top-1 there. */
  readonly top1Epoch: number;
  /** Epoch (1-based) with the best validation top-5, and the test top-5 there. */
  readonly top5Epoch: number;
  readonly test: Accuracy;
  /** Fraction of training labels the noise actually changed. */
  readonly changedLabels: number;
  readonly seconds: number;
}

/** Top-1 / top-5 accuracy of `model` on a split (ties count in the true label's favour). */
export function evaluate(model: NgramClassifier, data: LabelledFeatures, batchSize: number): Accuracy {
  const { features, labels } = data;
  const classes = LANGUAGES.length;
  let top1 = 0;
  let top5 = 0;
  for (let start = 0; start < features.count; start += batchSize) {
    const examples = Int32Array.from({ length: Math.min(batchSize, features.count - start) }, (_, i) => start + i);
    const pooled = model.embedding.pool(features.ids, features.weights, features.slots, examples);
    const scores = tf.tidy(() =>
      model.scores(tf.tensor2d(pooled, [examples.length, model.embedding.size])).dataSync(),
    ) as Float32Array;
    for (let b = 0; b < examples.length; b++) {
      const label = labels[examples[b]];
      const own = scores[b * classes + label];
      let higher = 0;
      for (let c = 0; c < classes; c++) if (scores[b * classes + c] > own) higher++;
      if (higher < 1) top1++;
      if (higher < 5) top5++;
    }
  }
  return { top1: top1 / features.count, top5: top5 / features.count };
}

/** Index of the first maximum. */
function argMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Trains one model with `loss` on labels noised with probability `noise`, seeded by `seed`. */
export async function trainRun(
  data: PreparedData,
  loss: BatchLoss,
  noise: number,
  seed: number,
  config: TrainConfig,
  onStep: () => void = () => {},
): Promise<RunOutcome> {
  const started = performance.now();
  const noisy = addCoarseNoise(data.train.labels, noise, createRandom(deriveSeed(seed, 'noise')));
  let changed = 0;
  noisy.forEach((label, i) => (changed += label === data.train.labels[i] ? 0 : 1));
  const model = createClassifier({ ...config.model, classes: LANGUAGES.length }, seed, config.adam);
  const { learningRate, beta1, beta2, epsilon } = config.adam;
  const optimizer = tf.train.adam(learningRate, beta1, beta2, epsilon);
  const order = Int32Array.from({ length: data.train.features.count }, (_, i) => i);
  const shuffle = createRandom(deriveSeed(seed, 'batches'));
  const { ids, weights, slots } = data.train.features;
  const size = model.embedding.size;
  const steps = Math.floor(order.length / config.batchSize);
  const epochs: EpochMetrics[] = [];
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      shuffleInPlace(order, shuffle);
      let lossSum = 0;
      for (let step = 0; step < steps; step++) {
        const examples = order.subarray(step * config.batchSize, (step + 1) * config.batchSize);
        const pooledValues = model.embedding.pool(ids, weights, slots, examples);
        const [value, dPooled] = tf.tidy(() => {
          const pooled = tf.tensor2d(pooledValues, [examples.length, size]);
          const labels = tf.tensor1d(Int32Array.from(examples, (i) => noisy[i]), 'int32');
          // Gradients with respect to the pooled embeddings (for the table) and the dense layers.
          const lossAndGrads = tf.valueAndGrads((pooled: tf.Tensor, ...dense: tf.Tensor[]) =>
            loss(labels, model.scores(pooled as tf.Tensor2D, dense)),
          );
          const { value, grads } = lossAndGrads([pooled, ...model.dense]);
          optimizer.applyGradients(model.dense.map((variable, i) => ({ name: variable.name, tensor: grads[i + 1] })));
          return [value.dataSync()[0], grads[0].dataSync() as Float32Array] as const;
        });
        if (!Number.isFinite(value)) throw new Error(`non-finite training loss ${value} (epoch ${epoch}, step ${step})`);
        lossSum += value;
        model.embedding.accumulate(ids, weights, slots, examples, dPooled);
        model.embedding.applyAdam();
        onStep();
        // Let timers (the progress bar) run now and then.
        if (step % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
      }
      epochs.push({
        epoch,
        trainLoss: lossSum / steps,
        val: evaluate(model, data.val, config.evalBatchSize),
        test: evaluate(model, data.test, config.evalBatchSize),
      });
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  const top1Index = argMax(epochs.map((e) => e.val.top1));
  const top5Index = argMax(epochs.map((e) => e.val.top5));
  return {
    epochs,
    top1Epoch: top1Index + 1,
    top5Epoch: top5Index + 1,
    test: { top1: epochs[top1Index].test.top1, top5: epochs[top5Index].test.top5 },
    changedLabels: changed / noisy.length,
    seconds: (performance.now() - started) / 1000,
  };
}
