/**
 * The exact test vectors in the page: vitest.config.ts reads exact.json in Node and provides it
 * (or the reason it is missing), since a page cannot read the file system.
 */
import { inject } from 'vitest';
import type { ExactVectors } from '@topk/conformance';

declare module 'vitest' {
  export interface ProvidedContext {
    exactVectors: { vectors: unknown } | { missing: string };
  }
}

/** The vectors; throws, naming the path tried and the variable to set, when exact.json is missing. */
export function exactVectors(): ExactVectors {
  const provided = inject('exactVectors');
  if ('missing' in provided) throw new Error(provided.missing);
  return provided.vectors as ExactVectors;
}
