import { describeConformance, describeExactVectorAgreement, propertyRuns } from '@topk/conformance';
import { createTfjsBackend } from '../src/index.js';

// Runs per property: TOPK_PROPERTY_RUNS when set, else 25 (see docs/tfjs.md for timings).
const numRuns = process.env.TOPK_PROPERTY_RUNS ? propertyRuns() : 25;

describeConformance({ name: 'tfjs:cpu', createBackend: () => createTfjsBackend('cpu'), numRuns, timeoutMs: 600_000 });
describeExactVectorAgreement({ name: 'tfjs:cpu', createBackend: () => createTfjsBackend('cpu'), timeoutMs: 600_000 });
