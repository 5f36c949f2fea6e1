/**
 * `GpujsBackend`: the core `TopKBackend` with the smooth loss, its exact gradient and the
 * log elementary symmetric polynomials computed by gpu.js kernels in float32.
 *
 * A loss call: core validates the request (`beginLossRequest`); the host rounds the scores to
 * float32 and prepares each row (plans/deviceRows.ts); the plan of the shape's regime
 * (regime.ts) computes the smooth losses and gradient rows on the device, `headTail`
 * (plans/headTail.ts) or `tilted` (plans/tilted.ts); the host computes the rows that are not
 * smooth (the hard loss, the official per-sample switch) and the paper's backward with core's
 * float64 row functions; core weights and reduces (`finishLossRequest`). See docs/gpujs.md.
 */
import {
  BackendDisposedError,
  beginLossRequest,
  finishLossRequest,
  validateLogEspRequest,
  type BegunLossRequest,
  type LogEspRequest,
  type LossRequest,
  type LossResult,
  type TopKBackend,
} from '@topk/core';
import { hardTopkRow, paperGradientRow, usesHardLoss } from '@topk/core/rows';
import type { GPU } from 'gpu.js';
import { KernelSet } from './kernels/kernelSet.js';
import type { GpujsMode, GpujsModeInfo } from './modes.js';
import { gpuJs } from './gpuJsModule.js';
import { acquireWebGpuDevice, releaseWebGpuDevice } from './webgpuDevice.js';
import { gradientFactors, toFloat32Matrix } from './float32Range.js';
import { regimeOf } from './regime.js';
import { modeTuning } from './tuning.js';
import { prepareDeviceRows } from './plans/deviceRows.js';
import { HeadTailPlan } from './plans/headTail.js';
import { runTilted } from './plans/tilted.js';
import { runLogEsp, twoSumError } from './plans/logEsp.js';

/** A top-k backend running gpu.js kernels in one mode. */
export class GpujsBackend implements TopKBackend {
  /** `gpujs:<mode>`. */
  readonly name: string;
  readonly precision = 'float32' as const;
  /** The gpu.js mode. */
  readonly mode: GpujsMode;
  /** What the kernels run on (GL renderer, WebGPU adapter, CPU). */
  readonly device: GpujsModeInfo;
  private gpu: GPU | null;
  private kernels: KernelSet | null;
  private headTail: HeadTailPlan | null;
  /** Calls run one at a time: kernels and their outputs are shared. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Set by `dispose()`: every later call throws {@link BackendDisposedError}. */
  private disposed = false;
  /** webgpu: the shared Dawn device, acquired by the first call (see webgpuDevice.ts). */
  private dawnDevice: Promise<void> | null = null;

  /**
   * A backend on a mode that {@link probeMode} has brought up (which loads gpu.js); use
   * `createGpujsBackend`, which does both.
   */
  constructor(info: GpujsModeInfo) {
    const { GPU: GpuClass } = gpuJs();
    this.mode = info.mode;
    this.device = info;
    this.name = `gpujs:${info.mode}`;
    this.gpu = new GpuClass({ mode: info.mode } as never);
    this.kernels = new KernelSet(this.gpu, modeTuning(info.mode, info.maxTextureSize ?? Infinity));
    this.headTail = new HeadTailPlan(this.gpu, this.kernels, 4, info.maxTextureSize ?? Infinity);
  }

  /** One line saying which mode ran on which device, for benchmark output. */
  get description(): string {
    return `${this.name}: ${this.device.description}`;
  }

  /** Number of compiled kernels and pipelines held (for leak checks: steady once shapes repeat). */
  get kernelCount(): number {
    return (this.kernels?.size ?? 0) + (this.headTail?.size ?? 0);
  }

  async loss(request: LossRequest): Promise<LossResult> {
    this.assertLive();
    const begun = beginLossRequest(request);
    // What float32 cannot hold is refused here, before any device work (see float32Range.ts):
    // float32 scores are used as they are, float64 ones rounded once.
    const scores = toFloat32Matrix(request.scores, begun.n, 'scores');
    const factors = gradientFactors(begun, request);
    return this.serialize(() => this.lossValidated(scores, factors, begun));
  }

  async logEsp(request: LogEspRequest): Promise<Float32Array> {
    this.assertLive();
    const [rows, n] = validateLogEspRequest(request);
    const x = toFloat32Matrix(request.x, n, 'x');
    return this.serialize(() => runLogEsp(this.live(), x, rows, n, request.K));
  }

  /**
   * The rounding error of 1e8 + 1 as the device computes a two-sum: 1 where the compiled
   * kernel keeps compensated arithmetic, 0 where the compiler folded it away.
   */
  async twoSumError(): Promise<number> {
    return this.serialize(() => twoSumError(this.live()));
  }

  /**
   * Frees the kernels once the calls already made have finished; later calls throw
   * {@link BackendDisposedError}. In webgpu mode the last backend disposed destroys the shared
   * Dawn device, so that nothing keeps Node running; the promise settles when it is released.
   */
  dispose(): Promise<void> {
    if (this.disposed) return this.queue.then(() => undefined);
    this.disposed = true;
    const device = this.dawnDevice;
    const teardown = async (): Promise<void> => {
      this.headTail?.dispose();
      this.headTail = null;
      this.kernels?.destroy();
      this.kernels = null;
      const gpu = this.gpu;
      this.gpu = null;
      try {
        await gpu?.destroy();
      } catch {
        // Teardown of a failed context: nothing left to free.
      }
      if (device !== null && (await device.then(() => true, () => false))) await releaseWebGpuDevice();
    };
    const done = this.queue.then(teardown, teardown);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private assertLive(): void {
    if (this.disposed) throw new BackendDisposedError(this.name);
  }

  /** Runs calls one at a time; the first call on the shared Dawn device acquires it first. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.assertLive();
      if (this.live().tuning.sharedDawnDevice) {
        this.dawnDevice ??= acquireWebGpuDevice(this.name);
        await this.dawnDevice;
      }
      return work();
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private live(): KernelSet {
    if (this.kernels === null) throw new BackendDisposedError(this.name);
    return this.kernels;
  }

  private async lossValidated(scores: Float32Array, factors: Float64Array, begun: BegunLossRequest): Promise<LossResult> {
    const { batch, n, k, tau, alpha, mode, backward, labels, grad: wantGrad } = begun;
    const hardRows = new Uint8Array(batch);
    const scratch = new Float64Array(k + 2);
    if (mode !== 'smooth') {
      for (let i = 0; i < batch; i++) {
        hardRows[i] = mode === 'hard' || usesHardLoss(scores, i * n, n, k, tau, scratch) ? 1 : 0;
      }
    }
    // Float64 losses: the weights multiply them in place, and tiny weights would flush to 0 in float32.
    const losses = new Float64Array(batch);
    const exactGrad = wantGrad && backward === 'exact' && mode !== 'hard';
    // The device's gradient is the result array itself where one chunk held every row.
    let grad: Float32Array | null = null;
    if (mode !== 'hard') {
      const regime = regimeOf(n, k);
      const rows = prepareDeviceRows(scores, batch, n, begun, regime, hardRows, factors);
      grad = regime === 'headTail' ? await this.headTail!.run(rows, exactGrad, losses) : await runTilted(this.live(), rows, exactGrad, losses);
      for (let i = 0; i < batch; i++) losses[i] = losses[i] * rows.lambda + rows.capped[i];
      // Factors outside the device's range multiply the device's rows here, in float64.
      if (grad !== null) {
        for (let i = 0; i < batch; i++) {
          const f = factors[i];
          if (hardRows[i] || !rows.hostFactor[i]) continue;
          for (let j = i * n; j < (i + 1) * n; j++) grad[j] = grad[j] * f;
        }
      }
    }
    if (wantGrad && grad === null) grad = new Float32Array(batch * n);

    // Host rows: the hard loss (mode hard or the switch) and the paper's backward, in float64.
    const row64 = wantGrad ? new Float64Array(n) : null;
    for (let i = 0; i < batch; i++) {
      const offset = i * n;
      const y = labels[i];
      if (hardRows[i]) {
        losses[i] = hardTopkRow(scores, offset, n, y, k, alpha, scratch, row64, 0);
      } else if (grad !== null && backward === 'paper') {
        paperGradientRow(scores, offset, n, y, k, tau, alpha, row64!, 0);
      } else {
        continue;
      }
      if (grad !== null) {
        const f = factors[i];
        for (let j = 0; j < n; j++) grad[offset + j] = row64![j] * f;
      }
    }
    // Every gradient row already carries its factor.
    return finishLossRequest(begun, losses, grad ?? undefined, true);
  }
}
