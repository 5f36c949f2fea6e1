/**
 * @topk/core: the float64 reference of the smooth top-k SVM losses (Berrada, Zisserman and
 * Kumar, ICLR 2018), the backend interface, and input validation. The row-level pieces that the
 * other backends share with core are in `@topk/core/rows`.
 */
export * from './backend.js';
export * from './errors.js';
export * from './validate.js';
export { beginLossRequest, finishLossRequest, type BegunLossRequest } from './lossRequest.js';
export {
  logElementarySymmetric,
  logEspDivideAndConquer,
  logEspSummation,
  logEspSummationLinear,
  logEspBruteForce,
  type EspAlgorithm,
} from './esp/index.js';
export { topkSvmLoss } from './loss/topkSvm.js';
export { checkPaperBackward } from './loss/paperBackward.js';
export { crossEntropyLoss } from './crossEntropy.js';
export { CoreBackend, createCoreBackend, DEFAULT_MAX_THREADS, DEFAULT_PARALLEL_THRESHOLD, MAX_THREADS, type CoreBackendOptions } from './coreBackend.js';
