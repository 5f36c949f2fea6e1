/**
 * The margin g = k alpha + c - s_y as an unevaluated pair hi + lo of doubles: hi + lo equals g to about 2^-100 of the size of its terms, where a plain double would keep an error
 * of an ulp of k alpha or of the scores. Checked in exact integer arithmetic (every double is an
 * integer times 2^-1074), on terms chosen so that each rounding (k alpha, c - s_y, their sum)
 * is inexact and the terms nearly cancel.
 */
import { describe, expect, it } from 'vitest';
import { type Margin, marginInScoreUnits } from '../src/loss/margin.js';

/** v * 2^1074 exactly, for any finite double v. */
function scaled(v: number): bigint {
  if (v === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const shift = biased === 0 ? 0n : BigInt(biased - 1);
  const magnitude = mantissa << shift;
  return v < 0 ? -magnitude : magnitude;
}

const abs = (v: bigint) => (v < 0n ? -v : v);

function expectExactPair(k: number, alpha: number, c: number, sy: number): void {
  const out: Margin = { hi: NaN, lo: NaN };
  marginInScoreUnits(k, alpha, c, sy, out);
  const exact = BigInt(k) * scaled(alpha) + scaled(c) - scaled(sy);
  const error = abs(exact - scaled(out.hi) - scaled(out.lo));
  const size = abs(BigInt(k) * scaled(alpha)) + abs(scaled(c)) + abs(scaled(sy));
  expect(error * 2n ** 100n <= size, `k = ${k}, alpha = ${alpha}, c = ${c}, s_y = ${sy}: hi ${out.hi}, lo ${out.lo}`).toBe(true);
}

/** Deterministic uniforms in (0, 1) with full 53-bit mantissas. */
function uniforms(count: number, seed: number): number[] {
  let state = BigInt(seed) | 1n;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    out.push((Number(state >> 11n) + 0.5) / 2 ** 53);
  }
  return out;
}

describe('the margin k alpha + c - s_y as an exact pair hi + lo', () => {
  it('k alpha inexact, c - s_y exact and nearly cancelling it', () => {
    for (const k of [3, 7, 10, 99, 12345]) {
      for (const alpha of [0.1, 1 / 3, Math.PI, 0.7, 123.456, 1e200 / 3]) {
        expectExactPair(k, alpha, 0, k * alpha);
        expectExactPair(k, alpha, -k * alpha, 0);
      }
    }
  });

  it('c - s_y inexact (scores of different magnitudes), alone and against k alpha', () => {
    expectExactPair(1, 0, 1e16 * Math.PI, 1 / 3);
    expectExactPair(3, 0, 1 / 3, -1e17 * Math.E);
    expectExactPair(3, 1 / 3, 1e-17, 1);
    expectExactPair(5, 0.3, 1e20 / 7, 1e20 / 7 + 1.5);
  });

  it('the sum p + d inexact: k alpha and c - s_y of different magnitudes', () => {
    expectExactPair(7, 1e10 / 3, 1e-5 / 3, -Math.PI);
    expectExactPair(2, 1e-8 / 3, 1e12 * Math.SQRT2, 0.1);
  });

  it('k beyond 2^26, where k itself must be split (the hard loss takes rows of any length)', () => {
    for (const k of [2 ** 26 + 1, 123456789, 2 ** 40 - 3, 987654321987]) {
      for (const alpha of [1 / 3, Math.PI, 0.1]) {
        expectExactPair(k, alpha, 0, k * alpha);
        expectExactPair(k, alpha, 1 / 7, -Math.E);
      }
    }
  });

  it('alpha down to the subnormals, where alpha / 2^64 would lose digits', () => {
    for (const alpha of [1e-300 / 3, Math.PI * 1e-305, 5e-324 * 12345]) {
      expectExactPair(3, alpha, 0, 3 * alpha);
      expectExactPair(7, alpha, 1e-300, 1e-300 + 7 * alpha);
    }
  });

  it('alpha from 1e290 to the largest double, where alpha itself cannot be split', () => {
    for (const alpha of [1e290, Math.PI * 1e300, 1.7e308 / 3, Number.MAX_VALUE / 7]) {
      for (const k of [3, 7]) {
        if (!Number.isFinite(k * alpha)) continue;
        expectExactPair(k, alpha, 0, k * alpha);
        expectExactPair(k, alpha, -(k * alpha) / 2, (k * alpha) / 2);
      }
    }
  });

  it('random terms with full mantissas, both signs of c - s_y, near cancellation half the time', () => {
    const u = uniforms(400, 2018);
    for (let i = 0; i < 100; i++) {
      const k = 1 + Math.floor(u[4 * i] * 1000);
      const alpha = u[4 * i + 1] * 10 ** Math.floor(u[4 * i + 2] * 20 - 10);
      const c = (u[4 * i + 3] - 0.5) * 10 ** Math.floor(u[4 * i + 2] * 30 - 15);
      const sy = i % 2 === 0 ? k * alpha + c * (1 + u[4 * i] * 2 ** -40) : (u[4 * i + 1] - 0.5) * 1e3;
      expectExactPair(k, alpha, c, sy);
    }
  });
});
