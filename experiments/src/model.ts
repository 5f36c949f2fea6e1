/**
 * The classifier: a multi-layer perceptron on the picture's pixels (ReLU hidden layers, a linear
 * layer to one score per class), as TF.js variables initialised from the run's seed
 * (He-uniform weights, zero biases).
 */
import * as tf from '@tensorflow/tfjs';
import { createRandom, deriveSeed } from './random.js';

/** Layer widths. */
export interface ModelConfig {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly classes: number;
}

/** The weights and the forward pass. */
export interface Mlp {
  /** Weight and bias of each layer, in order. */
  readonly variables: tf.Variable[];
  /** Scores `[batch, classes]`, with the model's variables or with `weights` (a saved copy of them). */
  scores(inputs: tf.Tensor2D, weights?: readonly tf.Tensor[]): tf.Tensor2D;
  dispose(): void;
}

/** A seeded MLP. */
export function createMlp(config: ModelConfig, seed: number): Mlp {
  const widths = [config.inputs, ...config.hidden, config.classes];
  const variables: tf.Variable[] = [];
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const [fanIn, fanOut] = [widths[layer], widths[layer + 1]];
    const limit = Math.sqrt(6 / fanIn);
    const random = createRandom(deriveSeed(seed, `layer-${layer}`));
    const values = Float32Array.from({ length: fanIn * fanOut }, () => (random() * 2 - 1) * limit);
    variables.push(tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true, `w${layer}`));
    variables.push(tf.variable(tf.zeros([fanOut]), true, `b${layer}`));
  }
  return {
    variables,
    scores(inputs, weights = variables) {
      return tf.tidy(() => {
        let h: tf.Tensor2D = inputs;
        for (let i = 0; i < weights.length; i += 2) {
          h = tf.add(tf.matMul(h, weights[i] as tf.Tensor2D), weights[i + 1]) as tf.Tensor2D;
          if (i + 2 < weights.length) h = tf.relu(h);
        }
        return h;
      });
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
