/**
 * @topk/conformance: the test kit every backend of @topk/core's interface runs (vitest and
 * fast-check are its peer dependencies). `describeConformance` holds a backend to the float64
 * reference, to the invariants of the loss and to the bad-input list;
 * `describeExactVectorAgreement` to every case of the exact test vectors. The arbitraries,
 * oracles and comparison helpers are exported for packages' own tests.
 */
export { describeConformance, propertyRuns, type ConformanceOptions, type LongRowsScope } from './describeConformance.js';
export { describeExactVectorAgreement, type ExactVectorOptions } from './exactVectors.js';
export * from './arbitraries.js';
export * from './compare.js';
export { agreementWithCore, type CoreAgreement } from './agreementWithCore.js';
export * from './oracles.js';
export * from './requests.js';
export { badInputs, type BadInput } from './badInputs.js';
export * from './vectors.js';
export * from './highPrecision.js';
export * from './paperOracle.js';
export * from './oracleAgreement.js';
export * from './extremeCases.js';
