/** Time ratios of a speed grid: each configuration against core and against its own backend's cross-entropy. */
import { loadMismatch, speedBlockOf, type BlockLoad } from './load.js';
import type { Operation, SpeedResult } from './speed.js';

/** A time ratio of one configuration. */
export interface Ratio {
  readonly backend: string;
  readonly op: Operation;
  readonly n: number;
  readonly k: number;
  /** This backend's time over core's at the same configuration (null when core did not run it or the loads differ). */
  readonly toCore: number | null;
  /** Why the ratio to core was refused: the two were timed under different loads. */
  readonly toCoreRefused?: string;
  /** This backend's time over its own cross-entropy at the same n. */
  readonly toCrossEntropy: number | null;
}

/** The measured configuration of a backend, operation, n and k (k null for cross-entropy). */
export function findSpeed(results: readonly SpeedResult[], backend: string, op: Operation, n: number, k: number | null): SpeedResult | undefined {
  return results.find((r) => r.backend === backend && r.op === op && r.n === n && r.k === k);
}

/** `x` rounded to `digits` decimal places. */
export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Ratios of every measured top-k configuration to core and to the same backend's cross-entropy
 * (timed in the same block); a ratio to core is refused when the two blocks' loads differ.
 */
export function computeRatios(speed: readonly SpeedResult[], loads: readonly BlockLoad[] = []): Ratio[] {
  const out: Ratio[] = [];
  for (const r of speed) {
    if (r.k === null) continue;
    const core = findSpeed(speed, 'core', r.op, r.n, r.k);
    const ce = findSpeed(speed, r.backend, 'cross-entropy', r.n, null);
    const refused = core ? loadMismatch(speedBlockOf(loads, 'core'), speedBlockOf(loads, r.backend)) : null;
    out.push({
      backend: r.backend, op: r.op, n: r.n, k: r.k,
      toCore: core && !refused ? roundTo(r.medianMs / core.medianMs, 3) : null,
      ...(refused ? { toCoreRefused: refused } : {}),
      toCrossEntropy: ce ? roundTo(r.medianMs / ce.medianMs, 3) : null,
    });
  }
  return out;
}
