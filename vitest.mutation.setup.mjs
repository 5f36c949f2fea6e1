/**
 * Setup of the mutation run: leaves out the test cases on rows of n * k >= 5e5 (n the classes,
 * k of top-k, both read from the test's name) and the conformance kit's long rows. Instrumented
 * by Stryker, such a case takes 5 to 30 seconds, and it would run for every mutant it reaches;
 * the same code paths are reached by the cases on short rows. A case whose name says "one row"
 * computes a single row, a few seconds instrumented up to n * k = 5e6: it stays in below that,
 * since some paths (the fast path's fallback) are reached only by rows of k beyond 700.
 * Set TOPK_MUTATION_ALL_TESTS=1 to run every case.
 */
import { beforeEach } from 'vitest';

const LARGE = 5e5;
const LARGE_SINGLE_ROW = 5e6;

function fullName(task) {
  const parts = [];
  for (let t = task; t; t = t.suite) if (t.name) parts.unshift(t.name);
  return parts.join(' ');
}

/** Whether a test's name says it runs on rows too large for the mutation run. */
export function isLargeRowCase(name) {
  if (/long rows with large k/i.test(name)) return true;
  const n = /\bn ?= ?(\d+(?:\.\d+)?(?:e\d+)?)\b/i.exec(name);
  if (!n) return false;
  const k = /\bk ?= ?(\d+)\b/i.exec(name);
  const limit = /\bone row\b/i.test(name) ? LARGE_SINGLE_ROW : LARGE;
  return Number(n[1]) * (k ? Number(k[1]) : 1) >= limit;
}

if (process.env.TOPK_MUTATION_ALL_TESTS !== '1') {
  beforeEach((context) => {
    if (isLargeRowCase(fullName(context.task))) context.skip();
  });
}
