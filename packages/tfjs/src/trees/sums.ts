/** Sums of equal-shape tensors, as the trees form them. */
import * as tf from '@tensorflow/tfjs-core';
import { activeTuning } from '../tuning.js';

/** Sum of a non-empty list of equal-shape tensors: one addN, in groups where the backend limits its inputs. */
export function sumOf<T extends tf.Tensor>(terms: T[], groupSize = activeTuning().addNMaxInputs): T {
  if (terms.length === 1) return terms[0];
  if (terms.length <= groupSize) return tf.addN(terms) as T;
  const groups: T[] = [];
  for (let i = 0; i < terms.length; i += groupSize) groups.push(sumOf(terms.slice(i, i + groupSize), groupSize));
  return sumOf(groups, groupSize);
}

/**
 * Sum of new equal-shape tensors, disposing the terms at once (on wasm a fresh output is much
 * slower to write than memory just freed, which the allocator hands out again).
 */
export function sumAndDispose<T extends tf.Tensor>(terms: T[]): T {
  const sum = sumOf(terms);
  if (terms.length > 1) tf.dispose(terms);
  return sum;
}
