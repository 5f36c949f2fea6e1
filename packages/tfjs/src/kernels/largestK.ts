/**
 * The k largest entries of each row of a matrix and their column indices, as `tf.topk` gives
 * them (largest first, equal values by lower index first), in one operation.
 *
 * Why a kernel of its own: TF.js 4.22's wasm `TopK` sorts every whole row to keep k entries of
 * it, and the losses ask for a few of about a thousand. Here each row is scanned once against
 * a heap of the k best so far (n log k comparisons at worst, about n for most rows), then the k
 * are taken out of the heap in order. Registered for wasm, for k up to {@link LARGEST_K_MAX};
 * elsewhere `tf.topk` is used. Comparisons only: no arithmetic happens here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerOnce, wasmHeap, wasmOffset, type KernelArgs } from './backendMemory.js';

// The name carries a version, as in kernels/sliceColumns.ts: another copy of this package may register its own.
const LARGEST = 'TopkLargestK1';

/**
 * Largest k taken by the kernel, which covers the headTail regime (k <= 12, and k + 1 for the
 * `auto` switch), where the search is a large share of a call. In its worst order (each row
 * ascending, every entry replacing the heap's root) the kernel is slower than `tf.topk`, and
 * the more so the larger k (docs/tfjs.md).
 */
const LARGEST_K_MAX = 16;

/**
 * Restores the heap below `at`: a min-heap of `size` entries by value, equal values by higher
 * index first, so that its root is the entry `tf.topk` would drop first.
 */
function siftDown(values: Float32Array, indices: Int32Array, at: number, size: number): void {
  const value = values[at];
  const index = indices[at];
  for (;;) {
    let child = 2 * at + 1;
    if (child >= size) break;
    const right = child + 1;
    if (right < size && (values[right] < values[child] || (values[right] === values[child] && indices[right] > indices[child]))) child = right;
    if (values[child] > value || (values[child] === value && indices[child] < index)) break;
    values[at] = values[child];
    indices[at] = indices[child];
    at = child;
  }
  values[at] = value;
  indices[at] = index;
}

/**
 * Writes the k largest of `source[from, from + n)` to `outValues`/`outIndices` at `to`, largest
 * first. `values`/`indices` (length k) are the heap's storage.
 */
function largestOfRow(
  source: Float32Array,
  from: number,
  n: number,
  k: number,
  values: Float32Array,
  indices: Int32Array,
  outValues: Float32Array,
  outIndices: Int32Array,
  to: number,
): void {
  for (let j = 0; j < k; j++) {
    values[j] = source[from + j];
    indices[j] = j;
  }
  for (let j = (k >> 1) - 1; j >= 0; j--) siftDown(values, indices, j, k);
  let weakest = values[0];
  for (let j = k; j < n; j++) {
    const v = source[from + j];
    // A later entry equal to the weakest kept ranks below it: only a larger one enters.
    if (v > weakest) {
      values[0] = v;
      indices[0] = j;
      siftDown(values, indices, 0, k);
      weakest = values[0];
    }
  }
  // The weakest first out, into the last free place.
  for (let last = k - 1; last >= 0; last--) {
    outValues[to + last] = values[0];
    outIndices[to + last] = indices[0];
    values[0] = values[last];
    indices[0] = indices[last];
    siftDown(values, indices, 0, last);
  }
}

function largestKWasm({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as BackendWasm;
  const x = inputs.x as tf.TensorInfo;
  const [rows, n] = x.shape;
  const k = attrs!.k as number;
  const outValues = backend.makeOutput([rows, k], 'float32');
  const outIndices = backend.makeOutput([rows, k], 'int32');
  // Read the heap after the allocations: it may have grown.
  const heap = wasmHeap(backend);
  const [from, toValues, toIndices] = [wasmOffset(backend, x), wasmOffset(backend, outValues), wasmOffset(backend, outIndices)];
  const values = new Float32Array(k);
  const indices = new Int32Array(k);
  const heapValues = heap.f32.subarray(toValues, toValues + rows * k);
  const heapIndices = heap.i32.subarray(toIndices, toIndices + rows * k);
  for (let r = 0; r < rows; r++) largestOfRow(heap.f32, from + r * n, n, k, values, indices, heapValues, heapIndices, r * k);
  return [outValues, outIndices];
}

const KERNELS: Record<string, (args: KernelArgs) => tf.TensorInfo[]> = { wasm: largestKWasm };

/**
 * The k largest entries of each row of the float32 matrix `x` `[rows, n]` (1 <= k <= n) and
 * their column indices, `[rows, k]` each, largest first and equal values by lower index first,
 * as `tf.topk(x, k)` gives them. Not differentiable.
 */
export function largestK(x: tf.Tensor2D, k: number): { values: tf.Tensor2D; indices: tf.Tensor2D } {
  const backendName = tf.getBackend();
  const kernel = KERNELS[backendName];
  if (kernel === undefined || k > LARGEST_K_MAX) return tf.topk(x, k) as { values: tf.Tensor2D; indices: tf.Tensor2D };
  registerOnce(LARGEST, backendName, kernel);
  const [values, indices] = tf.engine().runKernel(LARGEST, { x }, { k }) as tf.Tensor2D[];
  return { values, indices };
}
