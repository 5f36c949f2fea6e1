/** The core conformance kit and the exact test vectors, on gpu.js's cpu mode. */
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';

describeConformance({ name: 'gpujs:cpu', createBackend: () => createGpujsBackend('cpu'), numRuns: runsFor('cpu'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:cpu', createBackend: () => createGpujsBackend('cpu'), timeoutMs: 300_000 });
