import { describeConformance, describeExactVectorAgreement, propertyRuns } from '@topk/conformance';
import { createTfjsBackend } from '../src/index.js';

// Runs per property: TOPK_PROPERTY_RUNS when set, else 25 (see docs/tfjs.md for timings).
const numRuns = process.env.TOPK_PROPERTY_RUNS ? propertyRuns() : 25;

describeConformance({ name: 'tfjs:wasm', createBackend: () => createTfjsBackend('wasm'), numRuns, timeoutMs: 600_000 });
describeExactVectorAgreement({ name: 'tfjs:wasm', createBackend: () => createTfjsBackend('wasm'), timeoutMs: 600_000 });
