/**
 * Every choice that depends on the TF.js backend the losses run on, in one record per backend,
 * so that the ops, the trees and `TfjsBackend` read the same on every backend: each reads the record of the
 * active backend ({@link activeTuning}) instead of asking which backend it is on. A field is
 * either a layout that is faster on some backends (measured, docs/tfjs.md and
 * docs/benchmarks.md) or a way around a TF.js 4.22 kernel that behaves differently there.
 * Backends without a record of their own (tfjs-node's `tensorflow`, `webgl`) take
 * {@link DEFAULT_TUNING}.
 */
import * as tf from '@tensorflow/tfjs-core';

/** How a filter of a convolution level is padded and cut for XNNPACK (see `trees/depthwise.ts`). */
export interface FilterTuning {
  /** Filter heights run by single-pass kernels: a filter gets zero taps up to the next of these. */
  readonly fastTaps: readonly number[];
  /** Height of the pieces a taller filter is applied in (a multiple of it after padding). */
  readonly pieceTaps: number;
  /** Multiply-adds of a correlation from which a tall filter is applied in pieces. */
  readonly piecesMinWork: number;
}

/** The per-backend choices of the ops and the trees. */
export interface TfjsTuning {
  /**
   * Whether the smooth loss may take the `headTail` regime (see `ops/regime.ts`): faster than
   * `tilted` there and tested there. On WebGL its many small programs are slower.
   */
  readonly headTail: boolean;
  /**
   * Whether a float32 one-hot is made as int32 and cast (wasm's OneHot writes int32 whatever
   * dtype is asked for), rather than asked for as float32 (an int32 -> float32 cast of a oneHot
   * keeps the int32 dtype on WebGPU).
   */
  readonly oneHotByCast: boolean;
  /** Whether `tf.tensorScatterUpdate` gets a copy of its input (the cpu kernel writes into it). */
  readonly scatterCopiesInput: boolean;
  /** Most inputs of one `tf.addN` (WebGPU's compatibility level allows few storage buffers a shader). */
  readonly addNMaxInputs: number;
  /**
   * Whether the linear tree's last levels (K <= 12) take the deep matrix layout: on the cpu
   * backend and on WebGPU through llvmpipe the work of the matrix products outweighs the
   * operations saved.
   */
  readonly deepLevels: boolean;
  /**
   * For K > 12, the degree from which the linear tree's levels are depthwise convolutions: on
   * wasm, XNNPACK's convolutions of 2 and 3 taps over many channels cost several times more per
   * multiply-add than the shallow products they would replace.
   */
  readonly convolutionMinDegree: number;
  /** Filter padding and pieces for XNNPACK's fast heights; undefined: filters as they are. */
  readonly filters: FilterTuning | undefined;
  /**
   * Widest convolution level (nodes) whose columns move by products with constant 0/1 matrices
   * instead of the row-block kernels (which copy row by row; a narrow level has many rows); 0: none.
   */
  readonly narrowLevelNodes: number;
  /**
   * Whether the shallow levels' adjoint writes the parent's adjoint out twice instead of
   * broadcasting it over the two halves (the cpu backend broadcasts element by element).
   */
  readonly broadcastByCopy: boolean;
  /**
   * Whether reading a tensor back (`data()`) gives a fresh array (wasm copies out of its heap),
   * so that `TfjsBackend.loss` may hand it to the caller; elsewhere it may be the backend's own
   * storage, and is copied.
   */
  readonly readBackCopies: boolean;
}

/** The choices of a backend without a record of its own. */
export const DEFAULT_TUNING: TfjsTuning = {
  headTail: false,
  oneHotByCast: false,
  scatterCopiesInput: false,
  addNMaxInputs: Infinity,
  deepLevels: false,
  convolutionMinDegree: 4,
  filters: undefined,
  narrowLevelNodes: 0,
  broadcastByCopy: false,
  readBackCopies: false,
};

/** The records, by TF.js backend name. */
const TUNINGS: Readonly<Record<string, TfjsTuning>> = {
  wasm: {
    ...DEFAULT_TUNING,
    headTail: true,
    oneHotByCast: true,
    deepLevels: true,
    filters: { fastTaps: [9, 25], pieceTaps: 25, piecesMinWork: 2 ** 22 },
    narrowLevelNodes: 8,
    readBackCopies: true,
  },
  cpu: { ...DEFAULT_TUNING, headTail: true, scatterCopiesInput: true, convolutionMinDegree: 1, broadcastByCopy: true },
  webgpu: { ...DEFAULT_TUNING, headTail: true, addNMaxInputs: 4 },
};

/** The choices for the TF.js backend called `tfBackendName` (`tf.getBackend()`'s names). */
export function tuningFor(tfBackendName: string): TfjsTuning {
  return Object.hasOwn(TUNINGS, tfBackendName) ? TUNINGS[tfBackendName] : DEFAULT_TUNING;
}

/** The choices for the active TF.js backend. */
export function activeTuning(): TfjsTuning {
  return tuningFor(tf.getBackend());
}
