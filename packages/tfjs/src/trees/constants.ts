/**
 * The constant 0/1 matrices of the trees' matrix levels, made once per TF.js backend (a tensor
 * belongs to the backend that made it) and kept outside any `tf.tidy` until
 * {@link disposeTreeConstants} (`TfjsBackend.dispose()`).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The cached matrices, keyed by `<TF.js backend>/<name>`. */
const constants = new Map<string, tf.Tensor2D>();

/**
 * A constant `[rows, cols]` matrix with the given entries, made once per TF.js backend and kept
 * until {@link disposeTreeConstants}. `name` must identify the entries.
 */
export function constantMatrix(name: string, rows: number, cols: number, entry: (r: number, c: number) => number): tf.Tensor2D {
  const key = `${tf.getBackend()}/${name}`;
  let matrix = constants.get(key);
  if (matrix === undefined || matrix.isDisposed) {
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = entry(r, c);
    matrix = tf.keep(tf.tensor2d(data, [rows, cols]));
    constants.set(key, matrix);
  }
  return matrix;
}

/** Frees the cached constant matrices of one TF.js backend (of all when omitted); they are made again when needed. */
export function disposeTreeConstants(tfBackendName?: string): void {
  for (const [key, matrix] of constants) {
    if (tfBackendName === undefined || key.startsWith(`${tfBackendName}/`)) {
      matrix.dispose();
      constants.delete(key);
    }
  }
}
