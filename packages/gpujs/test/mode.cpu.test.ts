/**
 * gpujs:cpu: the core conformance kit, the exact test vectors, rows beyond the loop cap, the
 * compensated arithmetic surviving compilation, and no leaks. One file (one process) per mode.
 */
import { describe, expect, it } from 'vitest';
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';
import { describeLongRows } from './longRows.js';
import { describeNoLeaks } from './leaks.js';

describeConformance({ name: 'gpujs:cpu', createBackend: () => createGpujsBackend('cpu'), numRuns: runsFor('cpu'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:cpu', createBackend: () => createGpujsBackend('cpu'), timeoutMs: 300_000 });
describeLongRows('cpu');
describeNoLeaks('cpu');

describe('gpujs:cpu compensated arithmetic', () => {
  it('computes in float64 (no float32 rounding error for a two-sum to find)', async () => {
    const backend = await createGpujsBackend('cpu');
    try {
      expect(await backend.twoSumError()).toBe(0);
    } finally {
      backend.dispose();
    }
  }, 120_000);
});
