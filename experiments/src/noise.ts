/**
 * Label noise as in the official code (`LabelNoise`): each training label is, with probability
 * p, replaced by a label drawn uniformly from its group of five (possibly itself, so a label
 * changes with probability 0.8 p). Validation and test labels stay clean.
 */
import { groupMembers, type Grouping } from './glyphs.js';
import { randomInt, type Random } from './random.js';

/** Noisy copy of `labels`; the clean labels are left untouched. */
export function addGroupNoise(labels: Int32Array, p: number, grouping: Grouping, random: Random): Int32Array {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`noise probability must lie in [0, 1], got ${p}`);
  const members = groupMembers(grouping);
  return labels.map((label) => {
    // Both draws for every example, so that runs with different p share them.
    const replace = random() < p;
    const group = members[label];
    const candidate = group[randomInt(random, group.length)];
    return replace ? candidate : label;
  });
}
