/** The top-k backend interface of @topk/core, implemented with TF.js tensor operations in float32. */
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendDisposedError,
  BackendUnavailableError,
  beginLossRequest,
  finishLossRequest,
  validateFinite,
  validateLogEspRequest,
  type LogEspRequest,
  type LossRequest,
  type LossResult,
  type TopKBackend,
} from '@topk/core';
import { FLOAT32_LOG_ZERO_BELOW } from '@topk/core/rows';
import { TFJS_BACKEND_NAMES, loadBestTfjsBackend, loadTfjsBackend, onTfBackend, releaseTfjsBackend, type LoadedTfjsBackend, type TfjsBackendName } from './loadBackend.js';
import { computeLossTensors } from './ops/lossTensors.js';
import { logEspPairTensors } from './ops/logEsp.js';
import { disposeTreeConstants } from './trees/constants.js';
import { checkScoresFitFloat32, float32Scale } from './float32Range.js';
import { rowChunks } from './rowChunks.js';
import { tuningFor } from './tuning.js';

/** One array from the chunks' arrays, in order (the array itself when there is one). */
function joinChunks(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Live (not disposed) TfjsBackend objects per TF.js backend name. */
const live = new Map<string, number>();

/**
 * A {@link TopKBackend} on one TF.js backend; its name is `tfjs:<backend>`. Each call computes
 * on that TF.js backend and leaves TF.js's active backend as it found it.
 */
export class TfjsBackend implements TopKBackend {
  readonly name: string;
  readonly precision = 'float32' as const;
  /** The TF.js backend computed on, and its device. */
  readonly tfjs: LoadedTfjsBackend;
  private disposed = false;

  constructor(loaded: LoadedTfjsBackend) {
    this.tfjs = loaded;
    this.name = `tfjs:${loaded.name}`;
    live.set(loaded.tfName, (live.get(loaded.tfName) ?? 0) + 1);
  }

  /**
   * Losses (and the gradient) of a request: validated (`TopKArgumentError`) and reduced by
   * `@topk/core`'s request pipeline (`beginLossRequest`, `finishLossRequest`), computed here.
   * Float64 scores beyond the float32 range are rejected, naming the entry; tau, alpha and the
   * scores are scaled on the host by a power of two where float32 could not hold them as given
   * (see `float32Scale`).
   */
  async loss(request: LossRequest): Promise<LossResult> {
    this.checkNotDisposed();
    const begun = beginLossRequest(request);
    const { k, mode, backward, batch, n, labels, weights, grad: wantGrad } = begun;
    const maxAbs = checkScoresFitFloat32(request.scores, n, begun.maxAbsScore);
    const { scale, tau, alpha } = float32Scale(k, begun.tau, begun.alpha, maxAbs);
    let scores: Float32Array;
    if (scale === 1) scores = request.scores instanceof Float32Array ? request.scores : Float32Array.from(request.scores);
    else scores = Float32Array.from(request.scores, (s) => s / scale);
    const chunks: { losses: Float32Array; grad?: Float32Array }[] = [];
    for (const [first, rows] of rowChunks(batch, n)) {
      const out = onTfBackend(this.tfjs.tfName, () =>
        tf.tidy(() =>
          computeLossTensors(tf.tensor2d(scores.subarray(first * n, (first + rows) * n), [rows, n]), tf.tensor1d(labels.subarray(first, first + rows), 'int32'), { k, tau, alpha, mode, backward, grad: wantGrad }),
        ),
      );
      try {
        const [losses, grad] = await Promise.all([out.losses.data() as Promise<Float32Array>, out.grad?.data() as Promise<Float32Array> | undefined]);
        chunks.push({ losses, grad });
      } finally {
        out.losses.dispose();
        out.grad?.dispose();
      }
    }
    const lossData = joinChunks(chunks.map((c) => c.losses));
    const gradData = wantGrad ? joinChunks(chunks.map((c) => c.grad!)) : undefined;
    const losses = Float64Array.from(lossData, (l) => l * scale);
    if (gradData === undefined) return finishLossRequest(begun, losses);
    // Weights multiply the gradient on the host: in float64, where float32 could overflow.
    // Without weights, the read-back is returned where it is a fresh array (as joined chunks are).
    const grad = weights !== undefined ? Float64Array.from(gradData) : tuningFor(this.tfjs.tfName).readBackCopies || chunks.length > 1 ? gradData : Float32Array.from(gradData);
    return finishLossRequest(begun, losses, grad);
  }

  async logEsp(request: LogEspRequest): Promise<Float32Array> {
    this.checkNotDisposed();
    const [rows, n] = validateLogEspRequest(request);
    // Finite already: validateFinite here only measures the largest |x|.
    checkScoresFitFloat32(request.x, n, validateFinite(request.x, n, 'x'), 'x');
    const x = request.x instanceof Float32Array ? request.x : Float32Array.from(request.x);
    const out = onTfBackend(this.tfjs.tfName, () => tf.tidy(() => logEspPairTensors(tf.tensor2d(x, [rows, n]), request.K)));
    try {
      const [hi, lo] = await Promise.all([out.hi.data(), out.lo.data()]);
      // hi + lo in float64, then rounded once.
      const data = Float32Array.from(hi, (h, i) => h + lo[i]);
      // Zeros of sigma come back as FLOAT32_LOG_ZERO-sized numbers; report them as -Infinity.
      for (let i = 0; i < data.length; i++) if (data[i] < FLOAT32_LOG_ZERO_BELOW) data[i] = -Infinity;
      return data;
    } finally {
      tf.dispose([out.hi, out.lo]);
    }
  }

  /**
   * Frees the constant matrices cached for this TF.js backend. When this is the last live
   * `TfjsBackend` on a TF.js backend that this package initialised (not one the user had
   * initialised), that TF.js backend is disposed too and its device released: a WebGPU device
   * keeps Node running while it exists. A later `createTfjsBackend` initialises a fresh one.
   * Calls after `dispose()` throw `BackendDisposedError`; `dispose()` itself may be repeated.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const { tfName } = this.tfjs;
    const remaining = (live.get(tfName) ?? 1) - 1;
    live.set(tfName, remaining);
    if (remaining > 0) return;
    disposeTreeConstants(tfName);
    if (this.tfjs.initialisedHere && tfName === 'webgpu') releaseTfjsBackend(this.tfjs);
  }

  /** Throws `BackendDisposedError` after {@link dispose}. */
  checkNotDisposed(): void {
    if (this.disposed) throw new BackendDisposedError(this.name);
  }
}

/**
 * Creates the TF.js backend called `name`: one of `cpu`, `wasm`, `webgpu`, `webgl` (browsers), `node`, `node-gpu`
 * (a `tfjs:` prefix is accepted), or `''` for the best available (see {@link loadBestTfjsBackend}).
 * Throws `BackendUnavailableError` for a backend that cannot run here, saying what to install.
 * The user's active TF.js backend is left as it was.
 */
export async function createTfjsBackend(name = ''): Promise<TfjsBackend> {
  const bare = name.replace(/^tfjs:?/, '');
  if (bare === '') return new TfjsBackend(await loadBestTfjsBackend());
  if (!(TFJS_BACKEND_NAMES as readonly string[]).includes(bare)) {
    throw new BackendUnavailableError(`tfjs:${bare}`, `unknown TF.js backend; choose one of ${TFJS_BACKEND_NAMES.join(', ')}`);
  }
  return new TfjsBackend(await loadTfjsBackend(bare as TfjsBackendName));
}
