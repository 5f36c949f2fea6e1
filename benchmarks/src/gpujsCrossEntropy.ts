/** The gpu.js cross-entropy floor in Node: gpu.js loaded with `require`, as a CommonJS package. */
import { createRequire } from 'node:module';
import { createGpujsCrossEntropy, type GpuJsModule, type GpujsCrossEntropy } from './gpujsCrossEntropyKernels.js';

export type { GpujsCrossEntropy } from './gpujsCrossEntropyKernels.js';

/** A cross-entropy runner on its own gpu.js instance in `mode` (kernels cached per n). */
export function gpujsCrossEntropy(mode: string): GpujsCrossEntropy {
  return createGpujsCrossEntropy(createRequire(import.meta.url)('gpu.js') as GpuJsModule, mode);
}
