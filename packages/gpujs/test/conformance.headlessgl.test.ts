/** The core conformance kit and the exact test vectors, on gpu.js's headlessgl mode. */
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';

describeConformance({ name: 'gpujs:headlessgl', createBackend: () => createGpujsBackend('headlessgl'), numRuns: runsFor('headlessgl'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:headlessgl', createBackend: () => createGpujsBackend('headlessgl'), timeoutMs: 300_000 });
