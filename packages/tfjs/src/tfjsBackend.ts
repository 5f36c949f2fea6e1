/** The top-k backend interface of @topk/core, implemented with TF.js tensor operations in float32. */
import * as tf from '@tensorflow/tfjs';
import {
  BackendUnavailableError,
  checkPaperBackward,
  reduceLossesAndGradient,
  validateLogEspRequest,
  validateLossRequest,
  type LogEspRequest,
  type LossRequest,
  type LossResult,
  type TopKBackend,
} from '@topk/core';
import { TFJS_BACKEND_NAMES, loadBestTfjsBackend, loadTfjsBackend, useTfBackend, type LoadedTfjsBackend, type TfjsBackendName } from './loadBackend.js';
import { logEspPairTensors, topkLossTensors } from './topkLossTensors.js';
import { LOG_ZERO } from './productTree.js';
import { disposeTreeConstants } from './linearTree.js';

/** A {@link TopKBackend} on one TF.js backend; its name is `tfjs:<backend>`. */
export class TfjsBackend implements TopKBackend {
  readonly name: string;
  readonly precision = 'float32' as const;
  /** The TF.js backend computed on, and its device. */
  readonly tfjs: LoadedTfjsBackend;
  private disposed = false;

  constructor(loaded: LoadedTfjsBackend) {
    this.tfjs = loaded;
    this.name = `tfjs:${loaded.name}`;
  }

  async loss(request: LossRequest): Promise<LossResult> {
    const options = validateLossRequest(request);
    const { k, tau, alpha, mode, backward, reduction, batch, n, labels, weights } = options;
    const wantGrad = request.grad === true;
    if (wantGrad && backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
    this.checkNotDisposed();
    await useTfBackend(this.tfjs.tfName);
    const scores = request.scores instanceof Float32Array ? request.scores : Float32Array.from(request.scores);
    const out = tf.tidy(() =>
      topkLossTensors(tf.tensor2d(scores, [batch, n]), tf.tensor1d(labels, 'int32'), { k, tau, alpha, mode, backward, grad: wantGrad }),
    );
    let lossData: Float32Array;
    let gradData: Float32Array | undefined;
    try {
      [lossData, gradData] = await Promise.all([
        out.losses.data() as Promise<Float32Array>,
        out.grad?.data() as Promise<Float32Array> | undefined,
      ]);
    } finally {
      out.losses.dispose();
      out.grad?.dispose();
    }
    const losses = Float64Array.from(lossData);
    if (gradData === undefined) return { losses, value: reduceLossesAndGradient(losses, weights, reduction) };
    // wasm reads back a fresh copy of the heap; other backends may hand out their own storage.
    const grad = this.tfjs.tfName === 'wasm' ? gradData : Float32Array.from(gradData);
    const value = reduceLossesAndGradient(losses, weights, reduction, grad, n);
    return { losses, value, grad };
  }

  async logEsp(request: LogEspRequest): Promise<Float32Array> {
    const [rows, n] = validateLogEspRequest(request);
    this.checkNotDisposed();
    await useTfBackend(this.tfjs.tfName);
    const x = request.x instanceof Float32Array ? request.x : Float32Array.from(request.x);
    const out = tf.tidy(() => logEspPairTensors(tf.tensor2d(x, [rows, n]), request.K));
    try {
      const [hi, lo] = await Promise.all([out.hi.data(), out.lo.data()]);
      // hi + lo in float64, then rounded once.
      const data = Float32Array.from(hi, (h, i) => h + lo[i]);
      // Zeros of sigma come back as LOG_ZERO-sized numbers; report them as -Infinity.
      for (let i = 0; i < data.length; i++) if (data[i] <= LOG_ZERO / 10) data[i] = -Infinity;
      return data;
    } finally {
      tf.dispose([out.hi, out.lo]);
    }
  }

  /**
   * Frees the constant matrices cached for this TF.js backend (made again if another object
   * computes on it). TF.js backends themselves are process-wide and stay registered.
   */
  dispose(): void {
    if (!this.disposed) disposeTreeConstants(this.tfjs.tfName);
    this.disposed = true;
  }

  private checkNotDisposed(): void {
    if (this.disposed) throw new BackendUnavailableError(this.name, 'this backend object was disposed');
  }
}

/**
 * Creates the TF.js backend called `name`: one of `cpu`, `wasm`, `webgpu`, `node`, `node-gpu`
 * (a `tfjs:` prefix is accepted), or `''` for the best available (see {@link loadBestTfjsBackend}).
 * Throws `BackendUnavailableError` for a backend that cannot run here, saying what to install.
 */
export async function createTfjsBackend(name = ''): Promise<TfjsBackend> {
  const bare = name.replace(/^tfjs:?/, '');
  if (bare === '') return new TfjsBackend(await loadBestTfjsBackend());
  if (!(TFJS_BACKEND_NAMES as readonly string[]).includes(bare)) {
    throw new BackendUnavailableError(`tfjs:${bare}`, `unknown TF.js backend; choose one of ${TFJS_BACKEND_NAMES.join(', ')}`);
  }
  return new TfjsBackend(await loadTfjsBackend(bare as TfjsBackendName));
}
