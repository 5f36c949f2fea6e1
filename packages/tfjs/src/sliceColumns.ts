/**
 * Column blocks of a matrix as separate tensors, and matrices side by side, in one operation each.
 *
 * Why not `tf.slice` and `tf.concat`: on TF.js 4.22's wasm backend, slice first copies its whole
 * input out of the wasm heap (`readSync`), and both copy row by row through a new typed-array view
 * per row, so halving a `[256, 1024]` matrix costs about a millisecond; on the cpu backend a slice
 * of columns goes element by element through index arithmetic, about 100 times slower still. The
 * product tree halves (and in its adjoint, rejoins) every coefficient at every level. So on wasm
 * and cpu this module registers two kernels that copy whole row blocks (`copyWithin` inside the
 * wasm heap, `set` on the cpu backend's arrays); elsewhere (WebGPU, tfjs-node) it uses `tf.slice`
 * and `tf.concat`. Data movement only: no arithmetic happens here.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const SLICE = 'TopkSliceColumns';
const CONCAT = 'TopkConcatColumns';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** The wasm heap as float32s, and the float32 offset of a tensor in it (read after any allocation: the heap may grow). */
function heapOf(backend: BackendWasm): Float32Array {
  return (backend as unknown as { wasm: { HEAPF32: Float32Array } }).wasm.HEAPF32;
}
function offsetOf(backend: BackendWasm, t: tf.TensorInfo): number {
  return (backend.dataIdMap.get(t.dataId) as unknown as { memoryOffset: number }).memoryOffset / 4;
}

/** Column blocks `[begin, begin + size)` of a row-major float32 matrix. */
function sliceColumnsWasm({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as BackendWasm;
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const begins = attrs!.begins as number[];
  const sizes = attrs!.sizes as number[];
  const outputs = sizes.map((size) => backend.makeOutput([rows, size], 'float32'));
  const heap = heapOf(backend);
  const from = offsetOf(backend, x);
  outputs.forEach((out, i) => {
    const [to, begin, size] = [offsetOf(backend, out), begins[i], sizes[i]];
    for (let r = 0; r < rows; r++) heap.copyWithin(to + r * size, from + r * cols + begin, from + r * cols + begin + size);
  });
  return outputs;
}

/** The inputs of a concat in order ('0', '1', ...), and the shape of the result. */
function concatShape(inputs: tf.NamedTensorInfoMap): { parts: tf.TensorInfo[]; rows: number; cols: number } {
  const parts = Object.keys(inputs)
    .sort((p, q) => Number(p) - Number(q))
    .map((key) => inputs[key] as tf.TensorInfo);
  return { parts, rows: parts[0].shape[0], cols: parts.reduce((sum, t) => sum + t.shape[1], 0) };
}

/** Float32 matrices with equal row counts, side by side. */
function concatColumnsWasm({ inputs, backend: b }: KernelArgs): tf.TensorInfo {
  const backend = b as BackendWasm;
  const { parts, rows, cols } = concatShape(inputs);
  const out = backend.makeOutput([rows, cols], 'float32');
  const heap = heapOf(backend);
  const to = offsetOf(backend, out);
  let begin = 0;
  for (const t of parts) {
    const [from, size] = [offsetOf(backend, t), t.shape[1]];
    for (let r = 0; r < rows; r++) heap.copyWithin(to + r * cols + begin, from + r * size, from + (r + 1) * size);
    begin += size;
  }
  return out;
}

/** The cpu backend's storage, as far as these kernels use it. */
interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

function sliceColumnsCpu({ inputs, backend: b, attrs }: KernelArgs): tf.TensorInfo[] {
  const backend = b as CpuBackend;
  const x = inputs.x as tf.TensorInfo;
  const [rows, cols] = x.shape;
  const source = backend.data.get(x.dataId).values;
  return (attrs!.sizes as number[]).map((size, i) => {
    const begin = (attrs!.begins as number[])[i];
    const values = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) values.set(source.subarray(r * cols + begin, r * cols + begin + size), r * size);
    return backend.makeTensorInfo([rows, size], 'float32', values);
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

const KERNELS: Record<string, [typeof sliceColumnsWasm, typeof concatColumnsWasm]> = {
  wasm: [sliceColumnsWasm, concatColumnsWasm],
  cpu: [sliceColumnsCpu, concatColumnsCpu],
};

/** Registers the kernels for the active backend; false where it has none (then tf.slice and tf.concat are used). */
function registered(): boolean {
  const backendName = tf.getBackend();
  const kernels = KERNELS[backendName];
  if (kernels === undefined) return false;
  if (tf.getKernel(SLICE, backendName) === undefined) {
    tf.registerKernel({ kernelName: SLICE, backendName, kernelFunc: kernels[0] as unknown as tf.KernelFunc });
    tf.registerKernel({ kernelName: CONCAT, backendName, kernelFunc: kernels[1] as unknown as tf.KernelFunc });
  }
  return true;
}

/**
 * The column blocks `ranges` (each `[begin, size]`) of the float32 matrix `x` `[rows, cols]`, each
 * `[rows, size]`. Not differentiable (the losses compute their own gradients).
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
