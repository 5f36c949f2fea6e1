/**
 * What every backend is held to in the browser: the whole conformance kit (every kind of
 * check, fewer property runs than in Node) and every case of the exact vectors.
 */
import { describeConformance, describeExactVectorAgreement } from '@topk/conformance';
import type { TopKBackend } from '@topk/core';
import { exactVectors } from './exactVectors.js';

/** Options of {@link describeBrowserBackend}. */
export interface BrowserBackendOptions {
  /** Backend name, e.g. `tfjs:webgl`. */
  name: string;
  createBackend: () => Promise<TopKBackend> | TopKBackend;
  /** fast-check runs per property. */
  numRuns: number;
  /** Most classes in generated batches (the kit's default is 60). */
  maxN?: number;
}

/** Registers the conformance kit and the exact vectors for one backend, in this page. */
export function describeBrowserBackend(options: BrowserBackendOptions): void {
  const { name, createBackend, numRuns, maxN } = options;
  const suiteName = `${name} (Chromium)`;
  describeConformance({ name: suiteName, createBackend, numRuns, maxN, timeoutMs: 300_000 });
  describeExactVectorAgreement({ name: suiteName, createBackend, timeoutMs: 300_000, vectors: exactVectors() });
}
