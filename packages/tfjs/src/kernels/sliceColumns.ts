/**
 * Column blocks of a matrix as separate tensors, and matrices side by side, in one operation each.
 *
 * Why not `tf.slice` and `tf.concat`: on TF.js 4.22's wasm backend, slice first copies its whole
 * input out of the wasm heap (`readSync`), and both copy row by row through a new typed-array view
 * per row, so halving a matrix costs far more than its arithmetic; on the cpu backend a slice of
 * columns goes element by element through index arithmetic, slower still. The
 * product tree halves (and in its adjoint, rejoins) every coefficient at every level. So on wasm
 * and cpu this module registers two kernels that copy whole row blocks (`copyWithin` inside the
 * wasm heap, `set` on the cpu backend's arrays); elsewhere (WebGPU, tfjs-node) it uses `tf.slice`
 * and `tf.concat`. Data movement only: no arithmetic happens here.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerOnce, wasmHeap, wasmOffset, type CpuBackend, type KernelArgs } from './backendMemory.js';

// Kernel names carry a version: another copy of this package in the same process (an older one
// with other semantics) registers its own.
const SLICE = 'TopkSliceColumns2';
const CONCAT = 'TopkConcatColumns2';
const HALVE = 'TopkHalveColumns2';
const JOIN = 'TopkJoinHalves2';

/** Column blocks `[begin, begin + size)` of a row-major float32 matrix. */
function sliceColumnsWasm({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as BackendWasm;
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const begins = attrs!.begins as number[];
  const sizes = attrs!.sizes as number[];
  const outputs = sizes.map((size) => backend.makeOutput([rows, size], x.dtype));
  const heap = wasmHeap(backend).f32;
  const from = wasmOffset(backend, x);
  outputs.forEach((out, i) => {
    const [to, begin, size] = [wasmOffset(backend, out), begins[i], sizes[i]];
    for (let r = 0; r < rows; r++) heap.copyWithin(to + r * size, from + r * cols + begin, from + r * cols + begin + size);
  });
  return outputs;
}

/** The inputs of a multi-input kernel in order ('0', '1', ...). */
function orderedInputs(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  return Object.keys(inputs)
    .sort((p, q) => Number(p) - Number(q))
    .map((key) => inputs[key] as tf.TensorInfo);
}

/** The inputs of a concat in order, and the shape of the result. */
function concatShape(inputs: tf.NamedTensorInfoMap): { parts: tf.TensorInfo[]; rows: number; cols: number } {
  const parts = orderedInputs(inputs);
  return { parts, rows: parts[0].shape[0], cols: parts.reduce((sum, t) => sum + t.shape[1], 0) };
}

/** Float32 matrices with equal row counts, side by side. */
function concatColumnsWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { parts, rows, cols } = concatShape(inputs);
  const out = backend.makeOutput([rows, cols], 'float32');
  const heap = wasmHeap(backend).f32;
  const to = wasmOffset(backend, out);
  let begin = 0;
  for (const t of parts) {
    const [from, size] = [wasmOffset(backend, t), t.shape[1]];
    for (let r = 0; r < rows; r++) heap.copyWithin(to + r * cols + begin, from + r * size, from + (r + 1) * size);
    begin += size;
  }
  return out;
}

/**
 * The column halves of each input `[rows, cols]`: `[rows, ceil(cols / 2)]` each, the right half
 * zero-filled in its last column when cols is odd. Outputs: left and right of input 0, then of input 1, ...
 */
function halveColumnsWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const backend = b as BackendWasm;
  const outputs: tf.TensorInfo[] = [];
  for (const x of orderedInputs(inputs)) {
    const [rows, cols] = x.shape;
    const half = Math.ceil(cols / 2);
    const [left, right] = [backend.makeOutput([rows, half], 'float32'), backend.makeOutput([rows, half], 'float32')];
    const heap = wasmHeap(backend).f32;
    const [from, toLeft, toRight] = [wasmOffset(backend, x), wasmOffset(backend, left), wasmOffset(backend, right)];
    for (let r = 0; r < rows; r++) {
      heap.copyWithin(toLeft + r * half, from + r * cols, from + r * cols + half);
      heap.copyWithin(toRight + r * half, from + r * cols + half, from + (r + 1) * cols);
      if (cols % 2 === 1) heap[toRight + (r + 1) * half - 1] = 0;
    }
    outputs.push(left, right);
  }
  return outputs;
}

/**
 * The inverse of halveColumnsWasm: inputs left 0, right 0, left 1, right 1, ... (each `[rows, half]`),
 * outputs `[rows, cols]` (cols <= 2 half): each left half, then its right half cut to cols - half columns.
 */
function joinHalvesWasm({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as BackendWasm;
  const parts = orderedInputs(inputs);
  const cols = attrs!.cols as number;
  const outputs: tf.TensorInfo[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [rows, half] = parts[i].shape;
    const out = backend.makeOutput([rows, cols], 'float32');
    const heap = wasmHeap(backend).f32;
    const [to, left, right] = [wasmOffset(backend, out), wasmOffset(backend, parts[i]), wasmOffset(backend, parts[i + 1])];
    for (let r = 0; r < rows; r++) {
      heap.copyWithin(to + r * cols, left + r * half, left + (r + 1) * half);
      heap.copyWithin(to + r * cols + half, right + r * half, right + r * half + cols - half);
    }
    outputs.push(out);
  }
  return outputs;
}

function sliceColumnsCpu({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as CpuBackend;
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const source = backend.data.get(x.dataId).values;
  return (attrs!.sizes as number[]).map((size, i) => {
    const begin = (attrs!.begins as number[])[i];
    const values = new (source.constructor as Float32ArrayConstructor)(rows * size);
    for (let r = 0; r < rows; r++) values.set(source.subarray(r * cols + begin, r * cols + begin + size), r * size);
    return backend.makeTensorInfo([rows, size], x.dtype as 'float32', values);
  });
}

function concatColumnsCpu({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const backend = b as CpuBackend;
  const { parts, rows, cols } = concatShape(inputs);
  const values = new Float32Array(rows * cols);
  let begin = 0;
  for (const t of parts) {
    const [source, size] = [backend.data.get(t.dataId).values, t.shape[1]];
    for (let r = 0; r < rows; r++) values.set(source.subarray(r * size, (r + 1) * size), r * cols + begin);
    begin += size;
  }
  return backend.makeTensorInfo([rows, cols], 'float32', values);
}

function halveColumnsCpu({ inputs, backend: b }: KernelArgs): tf.TensorInfo[] {
  const backend = b as CpuBackend;
  return orderedInputs(inputs).flatMap((x) => {
    const [rows, cols] = x.shape;
    const half = Math.ceil(cols / 2);
    const source = backend.data.get(x.dataId).values;
    const [left, right] = [new Float32Array(rows * half), new Float32Array(rows * half)];
    for (let r = 0; r < rows; r++) {
      left.set(source.subarray(r * cols, r * cols + half), r * half);
      right.set(source.subarray(r * cols + half, (r + 1) * cols), r * half);
    }
    return [backend.makeTensorInfo([rows, half], 'float32', left), backend.makeTensorInfo([rows, half], 'float32', right)];
  });
}

function joinHalvesCpu({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as CpuBackend;
  const parts = orderedInputs(inputs);
  const cols = attrs!.cols as number;
  const outputs: tf.TensorInfo[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [rows, half] = parts[i].shape;
    const [left, right] = [backend.data.get(parts[i].dataId).values, backend.data.get(parts[i + 1].dataId).values];
    const values = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      values.set(left.subarray(r * half, (r + 1) * half), r * cols);
      values.set(right.subarray(r * half, r * half + cols - half), r * cols + half);
    }
    outputs.push(backend.makeTensorInfo([rows, cols], 'float32', values));
  }
  return outputs;
}

const KERNELS: Record<string, [typeof sliceColumnsWasm, typeof concatColumnsWasm, typeof halveColumnsWasm, typeof joinHalvesWasm]> = {
  wasm: [sliceColumnsWasm, concatColumnsWasm, halveColumnsWasm, joinHalvesWasm],
  cpu: [sliceColumnsCpu, concatColumnsCpu, halveColumnsCpu, joinHalvesCpu],
};

/** Registers the kernels for the active backend; false where it has none (then tf.slice and tf.concat are used). */
function registered(): boolean {
  const backendName = tf.getBackend();
  const kernels = KERNELS[backendName];
  if (kernels === undefined) return false;
  [SLICE, CONCAT, HALVE, JOIN].forEach((kernelName, i) => {
    registerOnce(kernelName, backendName, kernels[i]);
  });
  return true;
}

/**
 * The column blocks `ranges` (each `[begin, size]`) of the matrix `x` `[rows, cols]` (float32 or
 * int32), each `[rows, size]`, in one operation. Not differentiable (the losses compute their own gradients).
 */
export function sliceColumns(x: tf.Tensor2D, ranges: readonly (readonly [number, number])[]): tf.Tensor2D[] {
  if (!registered()) return ranges.map(([begin, size]) => tf.slice(x, [0, begin], [x.shape[0], size]));
  const out = tf.engine().runKernel(SLICE, { x }, { begins: ranges.map((r) => r[0]), sizes: ranges.map((r) => r[1]) });
  return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
}

/** Float32 matrices with equal row counts side by side, `[rows, sum of cols]`. Not differentiable. */
export function concatColumns(parts: readonly tf.Tensor2D[]): tf.Tensor2D {
  if (!registered()) return tf.concat(parts as tf.Tensor2D[], 1);
  return tf.engine().runKernel(CONCAT, Object.fromEntries(parts.map((t, i) => [String(i), t])), {}) as tf.Tensor2D;
}

/**
 * The column halves of each matrix of `xs` (`[rows, cols]`, float32), in one operation:
 * `[left, right]` pairs of `[rows, ceil(cols / 2)]`, the right half ending in a column of zeros
 * when cols is odd. Not differentiable.
 */
export function halveColumns(xs: readonly tf.Tensor2D[]): [tf.Tensor2D, tf.Tensor2D][] {
  let flat: tf.Tensor2D[];
  if (registered()) {
    const out = tf.engine().runKernel(HALVE, Object.fromEntries(xs.map((t, i) => [String(i), t])), {});
    flat = (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
  } else {
    flat = xs.flatMap((x) => {
      const [rows, cols] = x.shape;
      const half = Math.ceil(cols / 2);
      const right = tf.slice(x, [0, half], [rows, cols - half]);
      return [tf.slice(x, [0, 0], [rows, half]), cols % 2 === 1 ? tf.pad(right, [[0, 0], [0, 1]]) : right] as tf.Tensor2D[];
    });
  }
  return xs.map((_, i) => [flat[2 * i], flat[2 * i + 1]]);
}

/**
 * The inverse of {@link halveColumns}: each `[left, right]` pair (`[rows, half]` each) side by side,
 * cut to `[rows, cols]` (cols is 2 half, or 2 half - 1 to drop a zero column added when halving).
 * One operation for all pairs. Not differentiable.
 */
export function joinHalves(pairs: readonly (readonly [tf.Tensor2D, tf.Tensor2D])[], cols: number): tf.Tensor2D[] {
  if (registered()) {
    const out = tf.engine().runKernel(JOIN, Object.fromEntries(pairs.flat().map((t, i) => [String(i), t])), { cols });
    return (Array.isArray(out) ? out : [out]) as tf.Tensor2D[];
  }
  return pairs.map(([left, right]) => {
    const [rows, half] = left.shape;
    return tf.concat([left, cols < 2 * half ? tf.slice(right, [0, 0], [rows, cols - half]) : right], 1) as tf.Tensor2D;
  });
}
