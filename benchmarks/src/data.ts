/** Deterministic benchmark inputs: Gaussian scores and uniform labels from a seeded generator. */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A batch of scores in both precisions (the float64 copy holds the float32-rounded values). */
export interface Batch {
  readonly batch: number;
  readonly n: number;
  readonly scores32: Float32Array;
  readonly scores64: Float64Array;
  readonly labels: Int32Array;
}

/** Uniform numbers in [0, 1) from a seeded xoroshiro128+ (pure-rand): the same sequence for a seed on every run. */
export function seededUniform(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

/** Standard normal samples by Box-Muller from a seeded uniform generator. */
export function seededNormal(seed: number): () => number {
  const uniform = seededUniform(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const u = 1 - uniform();
    const v = uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

/**
 * `batch` rows of n scores, each `scale * N(0, 1)` rounded to float32 so that float32 and
 * float64 backends see exactly the same numbers, and one uniform label per row.
 */
export function makeBatch(batch: number, n: number, seed: number, scale = 1): Batch {
  const normal = seededNormal(seed);
  const uniform = seededUniform(seed ^ 0x9e3779b9);
  const scores32 = new Float32Array(batch * n);
  for (let i = 0; i < scores32.length; i++) scores32[i] = scale * normal();
  const labels = new Int32Array(batch);
  for (let i = 0; i < batch; i++) labels[i] = Math.floor(uniform() * n);
  return { batch, n, scores32, scores64: Float64Array.from(scores32), labels };
}
