/**
 * The font faces glyphs are drawn from: every face fontconfig knows (`fc-list`) that has all
 * the classes' glyphs, one file per family and style, TrueType or OpenType only. Faces are
 * assigned to train, validation and test by family, so that no family (a design, whatever
 * its weight or slant) is seen in two splits.
 */
import { execFileSync } from 'node:child_process';
import { createRandom, deriveSeed, shuffleInPlace } from './random.js';

/** One font face. */
export interface FontFace {
  readonly file: string;
  readonly family: string;
  readonly style: string;
}

/** Code points of an fc-list charset (`20-7e a0-17f ...`, hexadecimal ranges). */
function parseCharset(charset: string): Set<number> {
  const codePoints = new Set<number>();
  for (const range of charset.trim().split(/\s+/)) {
    if (range === '') continue;
    const [from, to = from] = range.split('-').map((hex) => parseInt(hex, 16));
    for (let c = from; c <= to; c++) codePoints.add(c);
  }
  return codePoints;
}

/** Families that are not text faces (symbols, dingbats) even if they cover the glyphs. */
const EXCLUDED_FAMILIES = /symbol|dingbat|math|emoji/i;

/**
 * Faces covering every one of `glyphs`, sorted by family then style (a stable order, whatever
 * order fontconfig lists them in). Throws if `fc-list` (Debian `fontconfig`) is missing.
 */
export function discoverFaces(glyphs: readonly string[]): FontFace[] {
  const listing = execFileSync('fc-list', ['-f', '%{file}\t%{family[0]}\t%{style[0]}\t%{charset}\n'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const needed = glyphs.map((glyph) => glyph.codePointAt(0)!);
  const byKey = new Map<string, FontFace>();
  for (const line of listing.split('\n')) {
    const [file, family, style, charset] = line.split('\t');
    if (charset === undefined || !/\.(ttf|otf)$/i.test(file) || EXCLUDED_FAMILIES.test(family)) continue;
    const covered = parseCharset(charset);
    if (!needed.every((c) => covered.has(c))) continue;
    const key = `${family}\t${style}`;
    const known = byKey.get(key);
    // One file per face: the first in path order.
    if (known === undefined || file < known.file) byKey.set(key, { file, family, style });
  }
  return [...byKey.values()].sort((a, b) => (a.family === b.family ? cmp(a.style, b.style) : cmp(a.family, b.family)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Faces per split. */
export interface FaceSplit {
  readonly train: FontFace[];
  readonly val: FontFace[];
  readonly test: FontFace[];
}

/**
 * Splits faces by family: families shuffled with `seed`, then dealt to validation and test
 * until each holds at least `fraction` of the faces; the rest train.
 */
export function splitFacesByFamily(faces: readonly FontFace[], seed: number, fraction: number): FaceSplit {
  const families = shuffleInPlace([...new Set(faces.map((f) => f.family))].sort(), createRandom(deriveSeed(seed, 'families')));
  const split: FaceSplit = { train: [], val: [], test: [] };
  const target = fraction * faces.length;
  for (const family of families) {
    const members = faces.filter((f) => f.family === family);
    const bucket = split.val.length < target ? split.val : split.test.length < target ? split.test : split.train;
    bucket.push(...members);
  }
  return split;
}
