/**
 * The conformance kit run on the float64 reference itself, plus the cross-checks of core's
 * own algorithms: brute force, summation and divide and conquer agree for small n.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { CoreBackend, logEspBruteForce, logEspDivideAndConquer, logEspSummation, logEspSummationLinear } from '@topk/core';
import {
  arbitraryLogEspCase,
  assertRelativeClose,
  describeConformance,
  describeExactVectorAgreement,
  propertyRuns,
} from '../src/index.js';

describeConformance({ name: 'core', createBackend: () => new CoreBackend() });
describeExactVectorAgreement({ name: 'core', createBackend: () => new CoreBackend() });
describeExactVectorAgreement({ name: 'core (summation log-ESP)', createBackend: () => new CoreBackend({ espAlgorithm: 'summation' }) });

describe('core log-ESP algorithms agree with brute force for n <= 9', () => {
  const algorithms = {
    'divide and conquer': logEspDivideAndConquer,
    summation: logEspSummation,
    'summation in linear space': logEspSummationLinear,
  };
  for (const [name, run] of Object.entries(algorithms)) {
    // Linear-space summation overflows past exp(709): keep its inputs in range.
    const maxScale = name === 'summation in linear space' ? 10 : 1e4;
    it(name, () => {
      fc.assert(
        fc.property(arbitraryLogEspCase({ maxN: 9, maxRows: 1, maxScale }), (c) => {
          assertRelativeClose(name, run(c.x, c.K), logEspBruteForce(c.x, c.K), 1e-12);
        }),
        { numRuns: propertyRuns() },
      );
    });
  }
});
