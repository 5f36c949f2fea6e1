import { describeConformance, describeExactVectorAgreement, propertyRuns } from '@topk/core/conformance';
import { createTfjsBackend } from '../src/index.js';

// Runs per property: TOPK_PROPERTY_RUNS when set, else 5 (see docs/tfjs.md for timings).
const numRuns = process.env.TOPK_PROPERTY_RUNS ? propertyRuns() : 5;

describeConformance({ name: 'tfjs:webgpu', createBackend: () => createTfjsBackend('webgpu'), numRuns,
  timeoutMs: 600_000,
  // Long rows with large k take one TF.js operation per pair of coefficients on each tree level: on
  // llvmpipe a call at n = 500, k = 100 takes about 10 s, at k = 300 about 60 s. Shorter rows here;
  // largeK.test.ts holds wasm and cpu (the same operations) to core at n = 1000, k up to 600.
  longRows: { minN: 250, maxN: 300, minK: 100, runs: 1, equalScoreRows: false },
});
describeExactVectorAgreement({ name: 'tfjs:webgpu', createBackend: () => createTfjsBackend('webgpu'), timeoutMs: 600_000 });
