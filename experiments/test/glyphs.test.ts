import { describe, expect, it } from 'vitest';
import { GLYPHS, GLYPH_FAMILIES, GROUP_SIZE, groupMembers, groupsOf } from '../src/glyphs.js';

describe('the glyph classes', () => {
  it('are 100 distinct single code points in code-point order', () => {
    expect(GLYPHS).toHaveLength(100);
    expect(new Set(GLYPHS).size).toBe(100);
    for (const glyph of GLYPHS) expect([...glyph]).toHaveLength(1);
    for (let i = 1; i < GLYPHS.length; i++) expect(GLYPHS[i].codePointAt(0)!).toBeGreaterThan(GLYPHS[i - 1].codePointAt(0)!);
  });

  it('are partitioned by 20 shape families of five', () => {
    expect(GLYPH_FAMILIES).toHaveLength(20);
    for (const family of GLYPH_FAMILIES) expect([...family]).toHaveLength(GROUP_SIZE);
    expect([...GLYPH_FAMILIES.join('')].sort()).toEqual([...GLYPHS].sort());
  });
});

describe('noise groups', () => {
  it('blocks are the official code\'s consecutive ids: label - label % 5 + {0..4}', () => {
    const members = groupMembers('blocks');
    for (let label = 0; label < 100; label++) {
      const base = label - (label % 5);
      expect(members[label]).toEqual([base, base + 1, base + 2, base + 3, base + 4]);
    }
  });

  it('families hold the class ids of one shape family each', () => {
    const groups = groupsOf('families');
    expect(groups).toHaveLength(20);
    groups.forEach((group, g) => expect(group.map((id) => GLYPHS[id]).sort()).toEqual([...GLYPH_FAMILIES[g]].sort()));
    expect(groups.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('the two groupings differ (blocks in code-point order cut across families)', () => {
    const blocks = groupMembers('blocks');
    const families = groupMembers('families');
    const same = blocks.filter((group, label) => group.every((id) => families[label].includes(id))).length;
    expect(same).toBeLessThan(50);
  });
});
