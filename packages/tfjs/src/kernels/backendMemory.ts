/**
 * What this package's own TF.js kernels need of the backends they run on: their arguments, the
 * wasm backend's heap and where a tensor lies in it, the cpu backend's arrays, and registration
 * on first use. One place for the backends' internals that the kernels rely on.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The arguments TF.js passes a kernel function. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The wasm heap as float32s and as int32s. Read it after any allocation: the heap may have grown. */
export function wasmHeap(backend: BackendWasm): { f32: Float32Array; i32: Int32Array } {
  const { HEAPF32, HEAP32 } = (backend as unknown as { wasm: { HEAPF32: Float32Array; HEAP32: Int32Array } }).wasm;
  return { f32: HEAPF32, i32: HEAP32 };
}

/** Where a tensor's data starts in the wasm heap, counted in 4-byte entries. */
export function wasmOffset(backend: BackendWasm, t: tf.TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset / 4;
}

/** The cpu backend's storage, as far as the kernels use it. */
export interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

/** Registers `kernelFunc` as `kernelName` on `backendName` unless it is registered already. */
export function registerOnce(kernelName: string, backendName: string, kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): void {
  if (tf.getKernel(kernelName, backendName) === undefined) tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
}
