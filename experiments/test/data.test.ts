import { describe, expect, it } from 'vitest';
import { discoverFaces, splitFacesByFamily } from '../src/fonts.js';
import { GLYPHS } from '../src/glyphs.js';
import { createRandom } from '../src/random.js';
import { GlyphRenderer } from '../src/render.js';

const faces = discoverFaces(GLYPHS);
const render = { size: 20, scale: [0.55, 0.8], shift: 0.08, rotation: 8, blur: 1, noise: 0.08 } as const;

describe('font faces', () => {
  it('are found for all 100 glyphs in many families (scripts/setup.sh installs them)', () => {
    expect(new Set(faces.map((f) => f.family)).size).toBeGreaterThanOrEqual(10);
    for (const face of faces) expect(face.file).toMatch(/\.(ttf|otf)$/i);
  });

  it('split by family: every face in exactly one split, no family in two', () => {
    const split = splitFacesByFamily(faces, 2018, 0.2);
    expect(split.train.length + split.val.length + split.test.length).toBe(faces.length);
    const families = (list: typeof faces) => new Set(list.map((f) => f.family));
    const [train, val, test] = [families(split.train), families(split.val), families(split.test)];
    for (const family of val) expect(train.has(family) || test.has(family)).toBe(false);
    for (const family of test) expect(train.has(family)).toBe(false);
    expect(split.val.length).toBeGreaterThanOrEqual(0.2 * faces.length);
    expect(split.test.length).toBeGreaterThanOrEqual(0.2 * faces.length);
  });
});

describe('GlyphRenderer', () => {
  const renderer = new GlyphRenderer(render);
  const mean = (px: Uint8Array) => px.reduce((a, b) => a + b, 0) / px.length;

  it('draws the same picture from the same random draws', () => {
    const a = renderer.render('Ж', faces[0], createRandom(7));
    const b = renderer.render('Ж', faces[0], createRandom(7));
    expect(a).toEqual(b);
    expect(a).toHaveLength(400);
  });

  it('draws ink: a glyph is brighter than the noise alone, and glyphs differ', () => {
    const noiseOnly = new GlyphRenderer({ ...render, scale: [0.001, 0.001] }).render('.', faces[0], createRandom(1));
    const glyph = renderer.render('W', faces[0], createRandom(1));
    expect(mean(glyph)).toBeGreaterThan(mean(noiseOnly) + 10);
    const clean = new GlyphRenderer({ ...render, shift: 0, rotation: 0, blur: 0, noise: 0 });
    const [o, x] = [clean.render('O', faces[0], createRandom(3)), clean.render('X', faces[0], createRandom(3))];
    const differing = o.filter((v, i) => Math.abs(v - x[i]) > 64).length;
    expect(differing).toBeGreaterThan(20);
  });
});
