/**
 * Everything one mode is held to: the core conformance kit, the exact test vectors, rows beyond
 * the loop cap, the compensated arithmetic surviving compilation, no leaks, the float32 limits,
 * the weighted mean, batches past a GL texture side and the rows the gradient's recursion is most
 * fragile on. Each
 * `mode.<name>.test.ts` calls it for one mode, so that each mode runs in a process of its own.
 */
import { describe, expect, it } from 'vitest';
import { describeConformance, describeExactVectorAgreement } from '@topk/conformance';
import { createGpujsBackend, type GpujsMode } from '../src/index.js';
import { runsFor } from './modeRuns.js';
import { describeLongRows } from './longRows.js';
import { describeNoLeaks } from './leaks.js';
import { describeFloat32Limits } from './float32Limits.js';
import { describeWeightedMean } from './weightedMean.js';
import { describeLargeBatches } from './largeBatches.js';
import { describeHeadExtent } from './headExtent.js';

/** Registers the whole suite for one mode. */
export function describeMode(mode: GpujsMode): void {
  const name = `gpujs:${mode}`;
  describeConformance({ name, createBackend: () => createGpujsBackend(mode), numRuns: runsFor(mode), timeoutMs: 300_000 });
  describeExactVectorAgreement({ name, createBackend: () => createGpujsBackend(mode), timeoutMs: 300_000 });
  describeLongRows(mode);
  describeNoLeaks(mode);
  describeFloat32Limits(mode);
  describeWeightedMean(mode);
  describeLargeBatches(mode);
  describeHeadExtent(mode);

  describe(`${name} compensated arithmetic`, () => {
    // gpu.js's cpu mode computes in float64 and only stores float32: no two-sum error to find.
    const [title, expected] =
      mode === 'cpu'
        ? ['computes in float64 (no float32 rounding error for a two-sum to find)', 0]
        : ['keeps the two-sum error term through compilation (1e8 + 1 in float32)', 1];
    it(title, async () => {
      const backend = await createGpujsBackend(mode);
      try {
        expect(await backend.twoSumError()).toBe(expected);
      } finally {
        backend.dispose();
      }
    }, 120_000);
  });
}
