/**
 * The interface every backend implements (core, tfjs, gpujs), and the options it takes.
 * Backends are asynchronous so that GPU backends can read results back without blocking.
 */

/** Numeric precision a backend computes in. */
export type Precision = 'float32' | 'float64';

/** A row-major matrix of scores or log-space inputs. */
export type Matrix = Float32Array | Float64Array;

/** Shape of a row-major `[rows, columns]` matrix. */
export type Shape2D = readonly [rows: number, columns: number];

/**
 * Which loss is computed per sample.
 * - `smooth`: the smooth top-k SVM loss `L_{k,tau}` (exact, for every sample).
 * - `hard`: the hard top-k SVM loss `l_k = max(0, alpha + ((s\y)_[k] - s_y) / k)` and its subgradient.
 * - `auto`: the official implementation's per-sample switch: `hard` where
 *   `s_[k] - s_[k+1] >= k * tau * ln(1000)` (all scores, y included), `smooth` elsewhere.
 */
export type LossMode = 'smooth' | 'hard' | 'auto';

/**
 * How the gradient of the smooth loss is computed.
 * - `exact`: subtraction-free (prefix/suffix products of positive terms), exact to rounding.
 * - `paper`: the official implementation's alternating recursion, with its p-term series
 *   where the recursion is unstable; kept for side-by-side comparison.
 */
export type BackwardScheme = 'exact' | 'paper';

/** How per-sample losses are combined into `LossResult.value`. */
export type Reduction = 'none' | 'mean' | 'sum';

/** Options of the top-k SVM losses. */
export interface LossOptions {
  /** The k of top-k, an integer with 1 <= k <= n - 1. */
  k: number;
  /** Temperature tau > 0 of the smooth loss (default 1). */
  tau?: number;
  /** Margin alpha >= 0 (default 1). */
  alpha?: number;
  /** Which loss to compute per sample (default `smooth`). */
  mode?: LossMode;
  /** Gradient scheme of the smooth loss (default `exact`). */
  backward?: BackwardScheme;
  /**
   * Reduction of the weighted per-sample losses into `value` (default `none`):
   * `sum` adds them, `mean` divides that sum by the sum of the sample weights
   * (each sample's weight times its label's class weight), as PyTorch's weighted losses do.
   */
  reduction?: Reduction;
  /** Optional non-negative finite weight per sample (length = batch). */
  sampleWeights?: ArrayLike<number>;
  /** Optional non-negative finite weight per class (length = n), applied by each sample's label. */
  classWeights?: ArrayLike<number>;
}

/** A batch of scores and integer labels, with the loss options. */
export interface LossRequest extends LossOptions {
  /** Row-major scores, `shape[0] * shape[1]` entries. */
  scores: Matrix;
  /** `[batch, n]`: batch >= 1 samples of n >= 2 classes. */
  shape: Shape2D;
  /** One integer label in `0..n-1` per sample. */
  labels: ArrayLike<number>;
  /** Whether to return the gradient (default false). */
  grad?: boolean;
}

/** Losses, and optionally the gradient, of one batch. */
export interface LossResult {
  /** Weighted per-sample losses (weight 1 when no weights are given), length = batch. */
  losses: Matrix;
  /** The reduction of `losses` (for `none`, their sum). */
  value: number;
  /**
   * With `grad: true`, the gradient of the reduced loss with respect to the scores, row-major
   * `[batch, n]`. For `none` and `sum` row i is the gradient of sample i's weighted loss with
   * respect to its own row; for `mean` it is additionally divided by the sum of weights.
   */
  grad?: Matrix;
}

/** Log elementary symmetric polynomials of every row of a matrix. */
export interface LogEspRequest {
  /** Row-major log-space inputs x (the polynomials are taken of exp(x)). */
  x: Matrix;
  /** `[rows, n]`. */
  shape: Shape2D;
  /** Highest degree K, 0 <= K <= n. */
  K: number;
}

/** The interface every top-k backend implements. */
export interface TopKBackend {
  /** Name as the CLI spells it, e.g. `core`, `tfjs:wasm`, `gpujs:webgpu`. */
  readonly name: string;
  /** Precision the backend computes in. */
  readonly precision: Precision;
  /** Per-sample losses of a batch, their reduction, and optionally the gradient. */
  loss(request: LossRequest): Promise<LossResult>;
  /**
   * `log sigma_0 .. log sigma_K` of `exp(x)` for every row: row-major `[rows, K + 1]`.
   * Entries are `-Infinity` where sigma is 0 (never for finite x and K <= n).
   */
  logEsp(request: LogEspRequest): Promise<Matrix>;
  /** Frees what the backend holds (kernels, tensors, devices). Idempotent. */
  dispose(): void | Promise<void>;
}
