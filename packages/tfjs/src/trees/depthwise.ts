/**
 * The depthwise correlation that the convolution levels are made of, and the filter heights it
 * is given. XNNPACK (TF.js's wasm backend) runs filters of some heights with single-pass
 * kernels, several times faster per multiply-add than other heights (docs/tfjs.md, "Large k"),
 * so where the active backend's tuning says so, a filter gets zero taps up to such a height, or
 * up to a multiple of the tallest, and is then applied in pieces of that height.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sliceColumns } from '../kernels/sliceColumns.js';
import { activeTuning } from '../tuning.js';
import { sumAndDispose } from './sums.js';

/**
 * The filter height for a child of degree d in a correlation with `outRows` rows and `channels`
 * channels: d + 1, padded with zero taps up to a fast height of the active backend, or up to a
 * multiple of its piece height when the work is large enough to apply it in pieces.
 */
export function filterTaps(d: number, outRows: number, channels: number): number {
  const { filters } = activeTuning();
  if (filters === undefined) return d + 1;
  const fast = filters.fastTaps.find((taps) => taps > d);
  if (fast !== undefined) return fast;
  const { pieceTaps, piecesMinWork } = filters;
  return (d + 1) * outRows * channels >= piecesMinWork ? Math.ceil((d + 1) / pieceTaps) * pieceTaps : d + 1;
}

/**
 * The depthwise correlation `out[i] = sum_j xp[i + j] filter[j]` of every column (channel) of `x`
 * `[rows, channels]`, where xp is x with `top` rows of zeros before it and `bottom` after, and
 * `filter` is `[taps, channels]`: `[top + rows + bottom - taps + 1, channels]`. A filter padded
 * by {@link filterTaps} to a multiple of the piece height is applied in pieces of that height,
 * each to the rows of x it meets (pieces that meet only zeros are skipped), and the pieces'
 * results are summed.
 */
export function correlate(x: tf.Tensor2D, top: number, bottom: number, filter: tf.Tensor2D): tf.Tensor2D {
  const [rows, channels] = x.shape;
  const taps = filter.shape[0];
  const outRows = top + rows + bottom - taps + 1;
  // Views made by reshape are disposed at once here: each holds its buffer until it is.
  const convolve = (input: tf.Tensor2D, f: tf.Tensor2D, padTop: number, padBottom: number) => {
    const input4 = tf.reshape(input, [1, input.size / channels, 1, channels]) as tf.Tensor4D;
    const filter4 = tf.reshape(f, [f.size / channels, 1, channels, 1]) as tf.Tensor4D;
    const out = tf.depthwiseConv2d(input4, filter4, 1, [[0, 0], [padTop, padBottom], [0, 0], [0, 0]]);
    tf.dispose([input4, filter4]);
    const result = tf.reshape(out, [outRows, channels]) as tf.Tensor2D;
    out.dispose();
    return result;
  };
  const { filters } = activeTuning();
  const h = filters?.pieceTaps ?? 0;
  const inPieces = filters !== undefined && taps > h && taps % h === 0 && taps * outRows * channels >= filters.piecesMinWork;
  if (!inPieces) return convolve(x, filter, top, bottom);
  // Piece p takes filter rows [p h, p h + h) to the padded rows [p h, p h + outRows + h - 1).
  const pieces: { first: number; count: number; padTop: number; padBottom: number; tap: number }[] = [];
  for (let tap = 0; tap < taps; tap += h) {
    const [from, to] = [tap, tap + outRows + h - 1]; // padded rows, end exclusive
    const [first, last] = [Math.max(from, top), Math.min(to, top + rows)];
    if (first < last) pieces.push({ first: first - top, count: last - first, padTop: first - from, padBottom: to - last, tap });
  }
  const [flatX, flatFilter] = [tf.reshape(x, [1, rows * channels]) as tf.Tensor2D, tf.reshape(filter, [1, taps * channels]) as tf.Tensor2D];
  const inputs = sliceColumns(flatX, pieces.map((p) => [p.first * channels, p.count * channels]));
  const filterPieces = sliceColumns(flatFilter, pieces.map((p) => [p.tap * channels, h * channels]));
  tf.dispose([flatX, flatFilter]);
  const parts = pieces.map((p, i) => {
    const part = convolve(inputs[i], filterPieces[i], p.padTop, p.padBottom);
    tf.dispose([inputs[i], filterPieces[i]]);
    return part;
  });
  return sumAndDispose(parts);
}
