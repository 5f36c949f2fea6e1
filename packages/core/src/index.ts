/**
 * @topk/core: the float64 reference of the smooth top-k SVM losses (Berrada, Zisserman and
 * Kumar, ICLR 2018), the backend interface, and input validation.
 */
export * from './backend.js';
export * from './errors.js';
export * from './validate.js';
export { reduceLossesAndGradient } from './reduction.js';
export { logAddExp, logSumExp, softplus, sigmoid, logBinomial } from './logspace.js';
export * from './esp/index.js';
export { topkSvmLoss } from './loss/topkSvm.js';
export { smoothTopkRow, SmoothTopkWorkspace } from './loss/smooth.js';
export { hardTopkRow, usesHardLoss } from './loss/hard.js';
export { paperGradientRow, paperSeriesTerms, checkPaperBackward } from './loss/paperBackward.js';
export { crossEntropyLoss } from './crossEntropy.js';
export { kthLargest } from './select.js';
export { CoreBackend, createCoreBackend, DEFAULT_MAX_THREADS, DEFAULT_PARALLEL_THRESHOLD, MAX_THREADS, type CoreBackendOptions } from './coreBackend.js';
