/**
 * gpujs:webasm: the core conformance kit, the exact test vectors, rows beyond the loop cap, the
 * compensated arithmetic surviving compilation, and no leaks. One file (one process) per mode.
 */
import { describe, expect, it } from 'vitest';
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';
import { describeLongRows } from './longRows.js';
import { describeNoLeaks } from './leaks.js';

describeConformance({ name: 'gpujs:webasm', createBackend: () => createGpujsBackend('webasm'), numRuns: runsFor('webasm'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:webasm', createBackend: () => createGpujsBackend('webasm'), timeoutMs: 300_000 });
describeLongRows('webasm');
describeNoLeaks('webasm');

describe('gpujs:webasm compensated arithmetic', () => {
  it('keeps the two-sum error term through compilation (1e8 + 1 in float32)', async () => {
    const backend = await createGpujsBackend('webasm');
    try {
      expect(await backend.twoSumError()).toBe(1);
    } finally {
      backend.dispose();
    }
  }, 120_000);
});
