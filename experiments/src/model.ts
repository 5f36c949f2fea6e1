/**
 * The classifier: hashed character n-gram embeddings, mean-pooled (a fastText-style bag of
 * n-grams, {@link HashedEmbedding}), then a hidden ReLU layer and a linear layer to one score
 * per language, in TF.js. Every weight is initialised from the run's seed.
 */
import * as tf from '@tensorflow/tfjs';
import { HashedEmbedding, type AdamConfig } from './embedding.js';
import { createRandom, deriveSeed } from './random.js';

/** Sizes of the classifier. */
export interface ModelConfig {
  readonly buckets: number;
  readonly embeddingSize: number;
  readonly hiddenSize: number;
  readonly classes: number;
}

/** The embedding table (JavaScript) and the dense layers (TF.js variables). */
export interface NgramClassifier {
  readonly embedding: HashedEmbedding;
  /** Dense-layer variables, in the order `scores` takes them. */
  readonly dense: tf.Variable[];
  /** Scores `[batch, classes]` of pooled embeddings `[batch, embeddingSize]`, given dense weights. */
  scores(pooled: tf.Tensor2D, dense?: readonly tf.Tensor[]): tf.Tensor2D;
  dispose(): void;
}

/** Creates a classifier with a seeded initialisation (Glorot-uniform dense layers, zero biases). */
export function createClassifier(config: ModelConfig, seed: number, adam: AdamConfig): NgramClassifier {
  const embedding = new HashedEmbedding(config.buckets, config.embeddingSize, createRandom(deriveSeed(seed, 'embedding')), adam);
  const glorot = (fanIn: number, fanOut: number, purpose: string) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const random = createRandom(deriveSeed(seed, purpose));
    const values = Float32Array.from({ length: fanIn * fanOut }, () => (random() * 2 - 1) * limit);
    return tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true);
  };
  const dense = [
    glorot(config.embeddingSize, config.hiddenSize, 'hidden'),
    tf.variable(tf.zeros([config.hiddenSize]), true),
    glorot(config.hiddenSize, config.classes, 'output'),
    tf.variable(tf.zeros([config.classes]), true),
  ];
  return {
    embedding,
    dense,
    scores(pooled, weights = dense) {
      return tf.tidy(() => {
        const [hidden, hiddenBias, output, outputBias] = weights;
        const h = tf.relu(tf.add(tf.matMul(pooled, hidden as tf.Tensor2D), hiddenBias));
        return tf.add(tf.matMul(h as tf.Tensor2D, output as tf.Tensor2D), outputBias) as tf.Tensor2D;
      });
    },
    dispose() {
      for (const variable of dense) variable.dispose();
    },
  };
}
