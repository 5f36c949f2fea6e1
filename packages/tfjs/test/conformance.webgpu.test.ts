import { describeConformance, describeExactVectorAgreement, propertyRuns } from '@topk/conformance';
import { createTfjsBackend } from '../src/index.js';

// Runs per property: TOPK_PROPERTY_RUNS when set, else 5 (see docs/tfjs.md for timings).
const numRuns = process.env.TOPK_PROPERTY_RUNS ? propertyRuns() : 5;

describeConformance({ name: 'tfjs:webgpu', createBackend: () => createTfjsBackend('webgpu'), numRuns, timeoutMs: 600_000 });
describeExactVectorAgreement({ name: 'tfjs:webgpu', createBackend: () => createTfjsBackend('webgpu'), timeoutMs: 600_000 });
