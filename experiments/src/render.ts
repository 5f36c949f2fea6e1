/**
 * Draws one glyph as a small grey-scale picture: white on black, at a jittered size, position
 * and rotation, drawn at twice the resolution and averaged down (anti-aliasing), then blurred
 * and overlaid with Gaussian pixel noise. Drawing is Skia's (`@napi-rs/canvas`), so a picture
 * depends only on the font file, the glyph and the random draws.
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { FontFace } from './fonts.js';
import type { Random } from './random.js';

/** Picture size and the ranges of the random distortions. */
export interface RenderConfig {
  /** Side of the square picture, in pixels. */
  readonly size: number;
  /** Glyph em size as a fraction of the side, drawn uniformly from this range. */
  readonly scale: readonly [number, number];
  /** Largest shift of the glyph's centre, as a fraction of the side. */
  readonly shift: number;
  /** Largest rotation, in degrees. */
  readonly rotation: number;
  /** Largest box-blur radius in output pixels (0, 1, ... drawn uniformly). */
  readonly blur: number;
  /** Standard deviation of the additive pixel noise, on a 0..1 intensity scale. */
  readonly noise: number;
}

const SUPERSAMPLE = 2;

/** A canvas bound to registered faces, reused for every picture. */
export class GlyphRenderer {
  private readonly context: SKRSContext2D;
  private readonly aliases = new Map<string, string>();
  private readonly side: number;

  constructor(private readonly config: RenderConfig) {
    this.side = config.size * SUPERSAMPLE;
    this.context = createCanvas(this.side, this.side).getContext('2d');
  }

  /** Registers a face under an alias of its own, so that each face is addressed exactly. */
  private alias(face: FontFace): string {
    let alias = this.aliases.get(face.file);
    if (alias === undefined) {
      alias = `topk-face-${this.aliases.size}`;
      if (!GlobalFonts.registerFromPath(face.file, alias)) throw new Error(`cannot load font ${face.file}`);
      this.aliases.set(face.file, alias);
    }
    return alias;
  }

  /** The picture of `glyph` in `face`, `size * size` intensities 0..255, row by row. */
  render(glyph: string, face: FontFace, random: Random): Uint8Array {
    const { size, scale, shift, rotation, blur, noise } = this.config;
    const side = this.side;
    const ctx = this.context;
    const em = side * (scale[0] + random() * (scale[1] - scale[0]));
    const angle = ((random() * 2 - 1) * rotation * Math.PI) / 180;
    const dx = (random() * 2 - 1) * shift * side;
    const dy = (random() * 2 - 1) * shift * side;
    const radius = Math.floor(random() * (blur + 1));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, side, side);
    ctx.font = `${em.toFixed(2)}px ${this.alias(face)}`;
    const box = ctx.measureText(glyph);
    // Centre the ink box (not the advance box), then jitter.
    const inkX = (box.actualBoundingBoxRight - box.actualBoundingBoxLeft) / 2;
    const inkY = (box.actualBoundingBoxDescent - box.actualBoundingBoxAscent) / 2;
    ctx.translate(side / 2 + dx, side / 2 + dy);
    ctx.rotate(angle);
    ctx.fillStyle = '#fff';
    ctx.fillText(glyph, -inkX, -inkY);
    const rgba = ctx.getImageData(0, 0, side, side).data;
    const pixels = new Float32Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let sy = 0; sy < SUPERSAMPLE; sy++) {
          for (let sx = 0; sx < SUPERSAMPLE; sx++) sum += rgba[((y * SUPERSAMPLE + sy) * side + x * SUPERSAMPLE + sx) * 4];
        }
        pixels[y * size + x] = sum / (SUPERSAMPLE * SUPERSAMPLE * 255);
      }
    }
    const blurred = radius > 0 ? boxBlur(pixels, size, radius) : pixels;
    const out = new Uint8Array(size * size);
    for (let i = 0; i < out.length; i++) {
      const value = blurred[i] + noise * gaussian(random);
      out[i] = Math.round(255 * Math.min(1, Math.max(0, value)));
    }
    return out;
  }
}

/** Mean over the (2r+1)^2 neighbourhood, clipped at the borders. */
function boxBlur(pixels: Float32Array, size: number, r: number): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      let count = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(size - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(size - 1, x + r); u++) {
          sum += pixels[v * size + u];
          count++;
        }
      }
      out[y * size + x] = sum / count;
    }
  }
  return out;
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
