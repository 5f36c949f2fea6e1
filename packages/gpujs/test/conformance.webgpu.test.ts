/** The core conformance kit and the exact test vectors, on gpu.js's webgpu mode. */
import { describeConformance, describeExactVectorAgreement } from '@topk/core/conformance';
import { createGpujsBackend } from '../src/index.js';
import { runsFor } from './modeRuns.js';

describeConformance({ name: 'gpujs:webgpu', createBackend: () => createGpujsBackend('webgpu'), numRuns: runsFor('webgpu'), timeoutMs: 300_000 });
describeExactVectorAgreement({ name: 'gpujs:webgpu', createBackend: () => createGpujsBackend('webgpu'), timeoutMs: 300_000 });
