/**
 * @topk/core/rows: what the float32 backends and the conformance kit share with core below the
 * level of a request: one row of each loss and gradient, the selection that shifts a
 * row, the float64 log-space helpers, and the rules and constants every backend must apply
 * alike. A user of the losses needs only `@topk/core`.
 */
export { smoothTopkRow, SmoothTopkWorkspace } from './loss/smooth.js';
export { hardTopkRow, usesHardLoss, autoSwitchThreshold, AUTO_SWITCH_LOG_RATIO } from './loss/hard.js';
export { paperGradientRow, paperSeriesTerms, PAPER_THRESHOLD, PAPER_EPS } from './loss/paperBackward.js';
export { kthLargest } from './select.js';
export { logPolynomialProduct } from './esp/polynomial.js';
export { logAddExp, logSumExp, softplus, sigmoid, logBinomial } from './logspace.js';
export { FLOAT32_MAX, FLOAT32_LOG_ZERO, FLOAT32_LOG_ZERO_BELOW } from './float32.js';
export { type Regime, FLOAT32_HEAD_TAIL_BOUND } from './regime.js';
