import { describe, expect, it } from 'vitest';
import { GROUP_OF_LABEL, LANGUAGES, LANGUAGE_GROUPS } from '../src/languages.js';
import { addCoarseNoise } from '../src/noise.js';
import { createRandom } from '../src/random.js';

const labels = Int32Array.from({ length: 20000 }, (_, i) => i % LANGUAGES.length);

describe('the classes', () => {
  it('are at least 40 languages in groups of five, each language once', () => {
    expect(LANGUAGES.length).toBeGreaterThanOrEqual(40);
    expect(LANGUAGE_GROUPS.every((g) => g.codes.length === 5)).toBe(true);
    expect(new Set(LANGUAGES.map((l) => l.code)).size).toBe(LANGUAGES.length);
  });
});

describe('coarse-group label noise', () => {
  it('leaves labels alone at p = 0', () => {
    expect(addCoarseNoise(labels, 0, createRandom(1))).toEqual(labels);
  });

  it('only ever moves a label within its group', () => {
    const noisy = addCoarseNoise(labels, 1, createRandom(2));
    noisy.forEach((label, i) => expect(GROUP_OF_LABEL[label]).toBe(GROUP_OF_LABEL[labels[i]]));
  });

  it('changes about p * 4/5 of the labels (the draw may return the true label)', () => {
    for (const p of [0.2, 0.6]) {
      const noisy = addCoarseNoise(labels, p, createRandom(3));
      const changed = noisy.filter((label, i) => label !== labels[i]).length / labels.length;
      expect(changed).toBeCloseTo(0.8 * p, 1);
    }
  });

  it('is reproducible from the seed and does not modify the clean labels', () => {
    const copy = labels.slice();
    expect(addCoarseNoise(labels, 0.4, createRandom(9))).toEqual(addCoarseNoise(labels, 0.4, createRandom(9)));
    expect(labels).toEqual(copy);
  });

  it('rejects a probability outside [0, 1]', () => {
    expect(() => addCoarseNoise(labels, 1.5, createRandom(1))).toThrow(RangeError);
  });
});
