import { describe, expect, it } from 'vitest';
import { groupMembers } from '../src/glyphs.js';
import { addGroupNoise } from '../src/noise.js';
import { createRandom } from '../src/random.js';

const labels = Int32Array.from({ length: 20000 }, (_, i) => (i * 37) % 100);

describe('addGroupNoise', () => {
  it('leaves labels untouched at p = 0 and does not modify its input', () => {
    const copy = labels.slice();
    expect(addGroupNoise(labels, 0, 'blocks', createRandom(1))).toEqual(labels);
    expect(labels).toEqual(copy);
  });

  it('keeps every label in its group of five (blocks: same label - label % 5)', () => {
    const noisy = addGroupNoise(labels, 1, 'blocks', createRandom(2));
    noisy.forEach((label, i) => expect(label - (label % 5)).toBe(labels[i] - (labels[i] % 5)));
    const families = groupMembers('families');
    addGroupNoise(labels, 1, 'families', createRandom(3)).forEach((label, i) => expect(families[labels[i]]).toContain(label));
  });

  it('changes a label with probability 0.8 p, to each other group member alike', () => {
    for (const p of [0.2, 0.6, 1]) {
      const noisy = addGroupNoise(labels, p, 'blocks', createRandom(4));
      const changed = noisy.filter((label, i) => label !== labels[i]).length / labels.length;
      // Binomial sd at n = 20000 is under 0.0036: 5 sd either side.
      expect(Math.abs(changed - 0.8 * p)).toBeLessThan(0.018);
    }
    const noisy = addGroupNoise(labels, 1, 'blocks', createRandom(5));
    const offsets = [0, 0, 0, 0, 0];
    noisy.forEach((label) => offsets[label % 5]++);
    for (const count of offsets) expect(Math.abs(count / labels.length - 0.2)).toBeLessThan(0.02);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => addGroupNoise(labels, 1.5, 'blocks', createRandom(1))).toThrow(RangeError);
    expect(() => addGroupNoise(labels, Number.NaN, 'blocks', createRandom(1))).toThrow(RangeError);
  });
});
