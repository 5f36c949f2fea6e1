/**
 * @topk/tfjs: the smooth top-k SVM losses (Berrada, Zisserman and Kumar, ICLR 2018) on
 * TensorFlow.js, in float32: the @topk/core backend interface, and TF.js-native losses and
 * metrics for `model.compile`.
 */
export { TfjsBackend, createTfjsBackend } from './tfjsBackend.js';
export { TFJS_BACKEND_NAMES, loadTfjsBackend, loadBestTfjsBackend, type LoadedTfjsBackend, type TfjsBackendName } from './loadBackend.js';
export { topkLossTensors, logEspTensor, type TensorLossOptions, type LossTensors } from './topkLossTensors.js';
export { topkSvmLoss, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy, type TopkSvmLossOptions, type TopkLossFunction, type TopkMetric } from './layersLoss.js';
export { crossEntropyOnBackend, type CrossEntropyResult } from './crossEntropy.js';
