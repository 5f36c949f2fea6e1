/**
 * The conformance kit run on the float64 reference: core is a float64 backend, so the kit holds
 * it to the high-precision oracle (n <= 10) and to the invariants (larger n), never to itself;
 * plus the exact vectors and the cross-checks of core's own log-ESP algorithms against brute force.
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
          // Both sides add up to K inputs in float64 before any log: each sum carries a rounding
          // of about K ulps of max |x|, which no float64 algorithm avoids (the input's condition).
          const maxAbs = c.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          assertRelativeClose(name, run(c.x, c.K), logEspBruteForce(c.x, c.K), 1e-12 + 4 * c.K * Number.EPSILON * maxAbs);
        }),
        { numRuns: propertyRuns() },
      );
    });
  }
});
