/** The core conformance kit and the exact test vectors, on gpu.js's webasm mode. */
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';

describeConformance({ name: 'gpujs:webasm', createBackend: () => createGpujsBackend('webasm'), numRuns: runsFor('webasm'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:webasm', createBackend: () => createGpujsBackend('webasm'), timeoutMs: 300_000 });
