/**
 * Label noise as in the paper's CIFAR-100 experiment: with probability p, a training label is
 * replaced by one drawn uniformly from its coarse group (which may be the true label itself, so
 * a label actually changes with probability p * (g - 1) / g for groups of g).
 */
import { GROUP_OF_LABEL, LABELS_OF_GROUP } from './languages.js';
import { randomInt, type Random } from './random.js';

/** Noisy copy of `labels`; the clean labels are left untouched. */
export function addCoarseNoise(labels: Int32Array, p: number, random: Random): Int32Array {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`noise probability must lie in [0, 1], got ${p}`);
  return labels.map((label) => {
    // Draw both numbers for every example, so that runs with different p share the draws.
    const replace = random() < p;
    const group = LABELS_OF_GROUP[GROUP_OF_LABEL[label]];
    const candidate = group[randomInt(random, group.length)];
    return replace ? candidate : label;
  });
}
