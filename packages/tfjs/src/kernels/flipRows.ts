/**
 * The rows of a matrix, in reverse order or not, followed by rows of zeros, in one operation:
 * the filters of the linear tree's convolution levels (`trees/convolutionLevels.ts`), whose taps are a
 * polynomial's coefficients reversed, padded on wasm to a tap count that XNNPACK runs fast.
 *
 * Why a kernel of its own: TF.js 4.22's wasm `Reverse` walks a general n-dimensional index per
 * entry and costs as much as the convolution it feeds, and its cpu `Reverse` and `Pad`
 * go entry by entry through index arithmetic. Here whole rows are copied (`copyWithin` inside the
 * wasm heap, `set` on the cpu backend's arrays); elsewhere (WebGPU, tfjs-node) `tf.reverse` and
 * `tf.pad` are used. Data movement only: no arithmetic happens here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerOnce, wasmHeap, wasmOffset, type CpuBackend, type KernelArgs } from './backendMemory.js';

// The name carries a version, as in kernels/sliceColumns.ts: another copy of this package may register its own.
const FLIP = 'TopkFlipRows1';

function flipRowsWasm({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const { rowsOut, reverse } = attrs as { rowsOut: number; reverse: boolean };
  const out = backend.makeOutput([rowsOut, cols], 'float32');
  // Read the heap after the allocation: it may have grown.
  const heap = wasmHeap(backend).f32;
  const [from, to] = [wasmOffset(backend, x), wasmOffset(backend, out)];
  for (let r = 0; r < rows; r++) {
    const source = from + (reverse ? rows - 1 - r : r) * cols;
    heap.copyWithin(to + r * cols, source, source + cols);
  }
  heap.fill(0, to + rows * cols, to + rowsOut * cols);
  return out;
}

function flipRowsCpu({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo {
  const backend = b as CpuBackend;
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const { rowsOut, reverse } = attrs as { rowsOut: number; reverse: boolean };
  const source = backend.data.get(x.dataId).values;
  const values = new Float32Array(rowsOut * cols);
  for (let r = 0; r < rows; r++) {
    const row = reverse ? rows - 1 - r : r;
    values.set(source.subarray(row * cols, (row + 1) * cols), r * cols);
  }
  return backend.makeTensorInfo([rowsOut, cols], 'float32', values);
}

const KERNELS: Record<string, (args: KernelArgs) => tf.TensorInfo> = { wasm: flipRowsWasm, cpu: flipRowsCpu };

/**
 * `[rowsOut, cols]` (rowsOut >= rows): the rows of the float32 matrix `x` `[rows, cols]`, last
 * first when `reverse`, then rowsOut - rows rows of zeros. Not differentiable. Without a kernel
 * here (WebGPU, tfjs-node), `x` itself is returned when there is nothing to do.
 */
export function flipRows(x: tf.Tensor2D, rowsOut: number, reverse: boolean): tf.Tensor2D {
  const backendName = tf.getBackend();
  const kernel = KERNELS[backendName];
  if (kernel === undefined) {
    const flipped = reverse ? tf.reverse(x, 0) : x;
    if (rowsOut === x.shape[0]) return flipped;
    const padded = tf.pad(flipped, [[0, rowsOut - x.shape[0]], [0, 0]]) as tf.Tensor2D;
    if (flipped !== x) flipped.dispose();
    return padded;
  }
  registerOnce(FLIP, backendName, kernel);
  return tf.engine().runKernel(FLIP, { x }, { rowsOut, reverse }) as tf.Tensor2D;
}
