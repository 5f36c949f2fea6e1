/**
 * Column blocks of a matrix as separate tensors, in one operation.
 *
 * Why not `tf.slice`: TF.js 4.22's wasm slice first copies its whole input out of the wasm heap
 * (`readSync`) and then the part it keeps, so halving a `[256, 1024]` matrix costs about a
 * millisecond, and the product tree halves every coefficient at every level. On wasm this module
 * registers a kernel that copies each block straight from the heap, once; elsewhere it uses
 * `tf.slice`, which does not copy its input.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const KERNEL = 'TopkSliceColumns';

/** Copies column blocks `[begin, begin + size)` of a row-major matrix, reading the wasm heap in place. */
function sliceColumnsWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const begins = args.attrs!.begins as number[];
  const sizes = args.attrs!.sizes as number[];
  // Allocate every output before taking views: allocation may grow the heap and detach them.
  const outputs = sizes.map((size) => backend.makeOutput([rows, size], x.dtype));
  const source = backend.typedArrayFromHeap(x);
  outputs.forEach((out, i) => {
    const target = backend.typedArrayFromHeap(out);
    const [begin, size] = [begins[i], sizes[i]];
    if (size === cols) target.set(source);
    else for (let r = 0; r < rows; r++) target.set(source.subarray(r * cols + begin, r * cols + begin + size), r * size);
  });
  return outputs;
}

/**
 * The column blocks `ranges` (each `[begin, size]`) of `x` `[rows, cols]`, each `[rows, size]`.
 * Not differentiable (the losses compute their own gradients).
 */
export function sliceColumns(x: tf.Tensor2D, ranges: readonly (readonly [number, number])[]): tf.Tensor2D[] {
  const [rows] = x.shape;
  if (tf.getBackend() !== 'wasm') return ranges.map(([begin, size]) => tf.slice(x, [0, begin], [rows, size]));
  if (tf.getKernel(KERNEL, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: sliceColumnsWasm as unknown as tf.KernelFunc });
  }
  const attrs = { begins: ranges.map((r) => r[0]), sizes: ranges.map((r) => r[1]) };
  const out = tf.engine().runKernel(KERNEL, { x }, attrs);
  return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
}
