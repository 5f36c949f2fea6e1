/**
 * Where the classes are in a predictions tensor, and how labels are matched to it.
 *
 * TF.js and Keras put the classes on the last axis: predictions `[batch, ...spatial, n]`, as
 * `tf.losses.softmaxCrossEntropy` takes them (`classAxis: -1`, the default). `classAxis: 1`
 * takes channels-first predictions `[batch, n, ...spatial]`. Either way there is one loss per
 * position, shaped `[batch, ...spatial]`. Labels are one-hot (the shape of the predictions) or
 * integer class indices (the positions' shape, or with a 1 in place of the class axis).
 */
import * as tf from '@tensorflow/tfjs-core';
import { TopKArgumentError } from '@topk/core';

/** The axis of the classes: the last (`-1`, TF.js's convention) or the second (`1`, channels-first). */
export type ClassAxis = -1 | 1;

/** The positions of a predictions tensor: each a row of n class scores. */
export interface ClassLayout {
  readonly classAxis: ClassAxis;
  /** Number of classes. */
  readonly n: number;
  /** Number of positions (batch times spatial size). */
  readonly rows: number;
  /** Shape of the per-position losses, `[batch, ...spatial]`. */
  readonly positionShape: number[];
  /** Whether the labels are one-hot (else integer indices). */
  readonly oneHot: boolean;
}

/** Checks `classAxis`, throwing `TopKArgumentError` for anything but -1 and 1. */
export function checkClassAxis(classAxis: unknown): ClassAxis {
  if (classAxis === undefined) return -1;
  if (classAxis !== -1 && classAxis !== 1) throw new TopKArgumentError('classAxis', classAxis, 'must be -1 (classes last, the default) or 1 (classes on axis 1)');
  return classAxis;
}

/** Shape with the class axis removed. */
function withoutClassAxis(shape: readonly number[], classAxis: ClassAxis): number[] {
  return classAxis === -1 ? shape.slice(0, -1) : [shape[0], ...shape.slice(2)];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The layout of `predictions` and `labels`, or a `TopKArgumentError` naming the argument whose
 * shape fits neither convention (saying so when it would fit the other class axis).
 */
export function classLayout(labelsShape: readonly number[], predictionsShape: readonly number[], classAxis: ClassAxis, names: { labels: string; predictions: string }): ClassLayout {
  const rank = predictionsShape.length;
  const axisWords = classAxis === -1 ? '[batch, ...spatial, n]' : '[batch, n, ...spatial]';
  if (rank < 2) throw new TopKArgumentError(`${names.predictions}.shape`, [...predictionsShape], `must be ${axisWords} with n >= 2`);
  const n = classAxis === -1 ? predictionsShape[rank - 1] : predictionsShape[1];
  if (n < 2) throw new TopKArgumentError(`${names.predictions}.shape`, [...predictionsShape], `must be ${axisWords} with n >= 2 classes (classAxis ${classAxis})`);
  const positionShape = withoutClassAxis(predictionsShape, classAxis);
  const rows = positionShape.reduce((a, b) => a * b, 1);
  if (rows < 1) throw new TopKArgumentError(`${names.predictions}.shape`, [...predictionsShape], 'must hold at least one position (empty batches are not accepted)');
  if (same(labelsShape, predictionsShape)) return { classAxis, n, rows, positionShape, oneHot: true };
  const withUnitAxis = classAxis === -1 ? [...positionShape, 1] : [positionShape[0], 1, ...positionShape.slice(1)];
  if (same(labelsShape, positionShape) || same(labelsShape, withUnitAxis)) return { classAxis, n, rows, positionShape, oneHot: false };
  const other: ClassAxis = classAxis === -1 ? 1 : -1;
  const otherPositions = rank > 2 ? withoutClassAxis(predictionsShape, other) : undefined;
  const hint = otherPositions !== undefined && same(labelsShape, otherPositions) ? `; it fits classes on axis ${other === 1 ? 1 : 'the last axis'}: pass classAxis: ${other}` : '';
  throw new TopKArgumentError(
    `${names.labels}.shape`,
    [...labelsShape],
    `must be one-hot like ${names.predictions} ${JSON.stringify(predictionsShape)} or hold integer labels of shape ${JSON.stringify(positionShape)} or ${JSON.stringify(withUnitAxis)} (classes on ${classAxis === -1 ? 'the last axis' : 'axis 1'})${hint}`,
  );
}

/** `[rows, n]` rows of class scores (classes moved last for `classAxis: 1`). */
export function classRows(t: tf.Tensor, layout: ClassLayout): tf.Tensor2D {
  const moved = layout.classAxis === 1 && t.rank > 2 ? tf.transpose(t, [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1]) : t;
  return tf.reshape(moved, [layout.rows, layout.n]);
}

/** The inverse of {@link classRows}: `[rows, n]` back to the predictions' shape. */
export function fromClassRows(rows: tf.Tensor, layout: ClassLayout, predictionsShape: readonly number[]): tf.Tensor {
  if (layout.classAxis === -1 || predictionsShape.length === 2) return tf.reshape(rows, [...predictionsShape]);
  const classesLast = [...layout.positionShape.slice(0, 1), ...layout.positionShape.slice(1), layout.n];
  const r = predictionsShape.length;
  return tf.transpose(tf.reshape(rows, classesLast), [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]);
}
