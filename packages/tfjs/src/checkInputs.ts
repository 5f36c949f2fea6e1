/**
 * Labels and scores of the tensor entry points, checked: out-of-range, fractional or NaN
 * labels, one-hot rows that are not one-hot, and NaN or infinite scores throw
 * `TopKArgumentError` naming the argument, the entry and its value.
 *
 * The check reads the labels back (`dataSync`), and two reductions of the scores. WebGPU in Node has no synchronous
 * read-back of data on the device; there, tensors still held on the host (made from arrays and
 * not yet used on the device) are checked the same way, and others are checked in the graph:
 * each position whose labels or scores are invalid gets the loss NaN (never a finite number).
 * `validate: false` skips all of it (no read-back): labels are then taken as given.
 */
import * as tf from '@tensorflow/tfjs-core';
import { TopKArgumentError } from '@topk/core';
import type { ClassLayout } from './classLayout.js';
import { classRows } from './classLayout.js';

/** Labels as indices, and what is known about the scores. */
export interface CheckedInputs {
  /** Integer labels `[rows]`, int32, each in 0..n-1. */
  readonly labels: tf.Tensor1D;
  /** The largest |score|, when the scores were read. */
  readonly maxAbsScore?: number;
  /** `[rows]` bool, false where a label or score is invalid: set when checked in the graph only. */
  readonly valid?: tf.Tensor1D;
}

type Values = ArrayLike<number>;

/** The tensor's values if they can be read synchronously now, else undefined. */
export function hostValues(t: tf.Tensor): Values | undefined {
  if (isOnWebGpu(t)) {
    const data = (tf.findBackend('webgpu') as unknown as { tensorMap: { get(id: object): { values?: Values | null } | undefined } }).tensorMap.get(t.dataId);
    return data?.values ?? undefined;
  }
  return t.dataSync() as Values;
}

/** `name[i][j]...` for flat index `flat` of a tensor of `shape`. */
function entryName(name: string, shape: readonly number[], flat: number): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `${name}${index.map((i) => `[${i}]`).join('')}`;
}

/** Offset of class c of position p in the predictions' (or one-hot labels') row-major data. */
function offsetOf(layout: ClassLayout, p: number, c: number): number {
  if (layout.classAxis === -1) return p * layout.n + c;
  const spatial = layout.rows / layout.positionShape[0];
  const b = Math.floor(p / spatial);
  return b * layout.n * spatial + c * spatial + (p - b * spatial);
}

/**
 * Checks labels and scores and returns the labels as int32 indices `[rows]`. With
 * `validate: false` nothing is read back and the labels are taken as given.
 */
export function checkInputs(labels: tf.Tensor, predictions: tf.Tensor, layout: ClassLayout, validate: boolean, names: { labels: string; predictions: string }): CheckedInputs {
  const { n, rows } = layout;
  if (!validate) return { labels: labelsInGraph(labels, layout) };
  const maxAbsScore = scanScores(predictions, names.predictions);
  const labelValues = hostValues(labels);
  if (labelValues === undefined) {
    // Device-resident labels or scores on WebGPU: checked in the graph (invalid positions give NaN).
    return { labels: tf.clipByValue(labelsInGraph(labels, layout), 0, n - 1) as tf.Tensor1D, maxAbsScore, valid: validInGraph(labels, predictions, layout, maxAbsScore === undefined) };
  }
  const indices = new Int32Array(rows);
  if (layout.oneHot) {
    for (let p = 0; p < rows; p++) {
      let hot = -1;
      let ok = true;
      for (let c = 0; c < n && ok; c++) {
        const v = labelValues[offsetOf(layout, p, c)];
        if (v === 1 && hot === -1) hot = c;
        else if (v !== 0) ok = false;
      }
      if (!ok || hot === -1) {
        const row = Array.from({ length: n }, (_, c) => labelValues[offsetOf(layout, p, c)]);
        throw new TopKArgumentError(entryName(names.labels, layout.positionShape, p), row, `must be one-hot: one 1 and ${n - 1} zeros (classes on ${layout.classAxis === -1 ? 'the last axis' : 'axis 1'})`);
      }
      indices[p] = hot;
    }
  } else {
    for (let i = 0; i < rows; i++) {
      const v = labelValues[i];
      if (!Number.isInteger(v) || v < 0 || v > n - 1) throw new TopKArgumentError(entryName(names.labels, labels.shape, i), v, `must be an integer class index in 0..${n - 1}`);
      indices[i] = v;
    }
  }
  if (maxAbsScore === undefined) return { labels: tf.tensor1d(indices, 'int32'), maxAbsScore, valid: validInGraph(labels, predictions, layout, true, false) };
  return { labels: tf.tensor1d(indices, 'int32'), maxAbsScore };
}

/**
 * The largest |score|, after checking that every score is finite (`TopKArgumentError` naming the
 * first that is not); undefined when the scores cannot be read synchronously (WebGPU, on the
 * device). Where the backend reads synchronously, two reductions are read back (max |s| and
 * sum(0 s), NaN if any score is not finite), and the scores themselves only to name a bad one.
 */
function scanScores(predictions: tf.Tensor, name: string): number | undefined {
  let values: Values | undefined;
  if (isOnWebGpu(predictions)) {
    values = hostValues(predictions);
    if (values === undefined) return undefined;
  } else {
    const [maxAbs, poison] = tf.tidy(() => tf.stack([tf.max(tf.abs(tf.reshape(predictions, [-1]))), tf.sum(tf.mul(predictions, 0))]).dataSync());
    if (poison === 0 && Number.isFinite(maxAbs)) return maxAbs;
    values = predictions.dataSync() as Values;
  }
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new TopKArgumentError(entryName(name, predictions.shape, i), v, 'must be finite');
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
  }
  return maxAbs;
}

/** Whether the tensor's data is held by TF.js's webgpu backend. */
function isOnWebGpu(t: tf.Tensor): boolean {
  const engine = tf.engine() as unknown as { state: { tensorInfo: WeakMap<object, { backend: unknown }> } };
  const backend = engine.state.tensorInfo.get(t.dataId)?.backend;
  return backend !== undefined && backend === tf.findBackend('webgpu');
}

/** Labels as int32 indices `[rows]`, computed in the graph: argMax of one-hot rows, or a cast. */
function labelsInGraph(labels: tf.Tensor, layout: ClassLayout): tf.Tensor1D {
  if (layout.oneHot) return tf.reshape(tf.argMax(classRows(labels, layout), 1), [layout.rows]) as tf.Tensor1D;
  return tf.cast(tf.reshape(labels, [layout.rows]), 'int32') as tf.Tensor1D;
}

/** `[rows]` bool: the position's scores finite (when `checkScores`) and its labels valid (when `checkLabels`). */
function validInGraph(labels: tf.Tensor, predictions: tf.Tensor, layout: ClassLayout, checkScores: boolean, checkLabels = true): tf.Tensor1D {
  const { n, rows } = layout;
  let valid = tf.ones([rows], 'bool') as tf.Tensor1D;
  if (checkScores) valid = tf.logicalAnd(valid, tf.all(tf.isFinite(classRows(predictions, layout)), 1));
  if (checkLabels && layout.oneHot) {
    const y = classRows(labels, layout);
    const binary = tf.all(tf.logicalOr(tf.equal(y, 0), tf.equal(y, 1)), 1);
    const oneHot = tf.equal(tf.sum(tf.cast(tf.equal(y, 1), 'int32'), 1), 1);
    valid = tf.logicalAnd(valid, tf.logicalAnd(binary, oneHot));
  } else if (checkLabels) {
    const y = tf.reshape(labels, [rows]);
    const integer = tf.equal(y, tf.floor(y));
    valid = tf.logicalAnd(valid, tf.logicalAnd(integer, tf.logicalAnd(tf.greaterEqual(y, 0), tf.lessEqual(y, n - 1))));
  }
  return valid as tf.Tensor1D;
}
