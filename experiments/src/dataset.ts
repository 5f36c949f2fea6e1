/**
 * The glyph data set: every class drawn in every face of a split, several times with fresh
 * distortions, deterministic from a seed. Train, validation and test use disjoint font
 * families. Built once and cached as raw bytes under a name derived from the configuration and
 * the face list.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { discoverFaces, splitFacesByFamily, type FontFace } from './fonts.js';
import { GLYPHS } from './glyphs.js';
import { createRandom, deriveSeed } from './random.js';
import { GlyphRenderer, type RenderConfig } from './render.js';

/** How the data set is drawn. */
export interface DatasetConfig {
  readonly seed: number;
  readonly render: RenderConfig;
  /** Fraction of the faces (at least) for validation, and again for test. */
  readonly heldOutFraction: number;
  /** Pictures per class and face. */
  readonly trainDraws: number;
  readonly evalDraws: number;
}

/** Pictures and clean labels of one split. */
export interface Split {
  /** `count * size * size` intensities 0..255. */
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly faces: readonly FontFace[];
}

/** The three splits. */
export interface GlyphDataset {
  readonly size: number;
  readonly train: Split;
  readonly val: Split;
  readonly test: Split;
}

function drawSplit(renderer: GlyphRenderer, faces: readonly FontFace[], draws: number, seed: number, name: string, size: number): Split {
  const random = createRandom(deriveSeed(seed, `render-${name}`));
  const count = faces.length * GLYPHS.length * draws;
  const pixels = new Uint8Array(count * size * size);
  const labels = new Int32Array(count);
  let i = 0;
  for (const face of faces) {
    for (let label = 0; label < GLYPHS.length; label++) {
      for (let d = 0; d < draws; d++, i++) {
        pixels.set(renderer.render(GLYPHS[label], face, random), i * size * size);
        labels[i] = label;
      }
    }
  }
  return { pixels, labels, count, faces };
}

/** Draws the data set (no cache). */
export function buildDataset(config: DatasetConfig, faces: readonly FontFace[] = discoverFaces(GLYPHS)): GlyphDataset {
  if (faces.length < 3) throw new Error(`need fonts covering all ${GLYPHS.length} glyphs in 3 families or more, found ${faces.length} faces (install the fonts in scripts/setup.sh)`);
  const split = splitFacesByFamily(faces, config.seed, config.heldOutFraction);
  const renderer = new GlyphRenderer(config.render);
  const size = config.render.size;
  return {
    size,
    train: drawSplit(renderer, split.train, config.trainDraws, config.seed, 'train', size),
    val: drawSplit(renderer, split.val, config.evalDraws, config.seed, 'val', size),
    test: drawSplit(renderer, split.test, config.evalDraws, config.seed, 'test', size),
  };
}

interface CachedMeta {
  readonly size: number;
  readonly splits: Record<'train' | 'val' | 'test', { count: number; faces: FontFace[] }>;
}

/** The data set from `cacheDir`, drawn and stored there first if absent. */
export async function loadDataset(config: DatasetConfig, cacheDir: string): Promise<GlyphDataset> {
  const faces = discoverFaces(GLYPHS);
  const key = createHash('sha256').update(JSON.stringify({ config, glyphs: GLYPHS, faces })).digest('hex').slice(0, 16);
  const base = join(cacheDir, `glyphs-${key}`);
  if (existsSync(`${base}.json`)) {
    const meta = JSON.parse(await readFile(`${base}.json`, 'utf8')) as CachedMeta;
    const read = async (name: 'train' | 'val' | 'test'): Promise<Split> => {
      const bytes = await readFile(`${base}.${name}.bin`);
      const { count, faces: splitFaces } = meta.splits[name];
      const pixels = new Uint8Array(bytes.buffer, bytes.byteOffset, count * meta.size * meta.size);
      const labels = new Int32Array(count);
      for (let i = 0; i < count; i++) labels[i] = bytes[pixels.length + i];
      return { pixels, labels, count, faces: splitFaces };
    };
    return { size: meta.size, train: await read('train'), val: await read('val'), test: await read('test') };
  }
  const dataset = buildDataset(config, faces);
  await mkdir(cacheDir, { recursive: true });
  for (const name of ['train', 'val', 'test'] as const) {
    const split = dataset[name];
    // Pixels, then one byte per label (100 classes fit a byte).
    await writeFile(`${base}.${name}.bin`, Buffer.concat([split.pixels, Uint8Array.from(split.labels)]));
  }
  const meta: CachedMeta = {
    size: dataset.size,
    splits: {
      train: { count: dataset.train.count, faces: [...dataset.train.faces] },
      val: { count: dataset.val.count, faces: [...dataset.val.faces] },
      test: { count: dataset.test.count, faces: [...dataset.test.faces] },
    },
  };
  // The JSON last and by rename: its presence means the bytes are complete.
  await writeFile(`${base}.json.tmp`, JSON.stringify(meta));
  await rename(`${base}.json.tmp`, `${base}.json`);
  return dataset;
}
