/**
 * @topk/tfjs: the smooth top-k SVM losses (Berrada, Zisserman and Kumar, ICLR 2018) on
 * TensorFlow.js, in float32: the @topk/core backend interface (`createTfjsBackend`), a
 * functional op shaped like `tf.losses.*` (`topkSvmLossOp`), a Keras-style loss for
 * `model.compile` (`topkSvmKerasLoss`) and top-k accuracy metrics.
 */
export { TfjsBackend, createTfjsBackend } from './tfjsBackend.js';
export { TFJS_BACKEND_NAMES, loadTfjsBackend, loadBestTfjsBackend, type LoadedTfjsBackend, type TfjsBackendName } from './loadBackend.js';
export { logEspTensor } from './ops/logEsp.js';
export type { TensorLossOptions, LossTensors } from './ops/tensorLossOptions.js';
export { topkSvmLossOp, topkLossTensors, type TopkSvmOptions } from './topkSvmLossOp.js';
export { topkSvmKerasLoss, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy, type TopkLossFunction, type TopkMetric, type TopkMetricOptions } from './layersLoss.js';
export { type ClassAxis } from './classLayout.js';
export { FLOAT32_MAX } from '@topk/core/rows';
export { crossEntropyOnBackend, type CrossEntropyResult } from './crossEntropy.js';
