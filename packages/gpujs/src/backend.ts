/**
 * `GpujsBackend`: the core `TopKBackend` with the smooth loss, its exact gradient and the
 * log elementary symmetric polynomials computed by gpu.js kernels in float32.
 *
 * Per call: the host validates (core's functions), rounds the scores to float32 and, per row,
 * selects the shift c (the k-th largest score without the label) and the scalar offset of z;
 * the device builds the divide-and-conquer tree level by level (one kernel per level), sweeps
 * the complements back down (one kernel per level), and one last kernel assembles gradient and
 * loss, which are all that is read back. In linear space the at most k-1 entries above the
 * shift stay on the host (their product and their gradient entries: see aboveShift.ts). The hard loss, the official per-sample switch and the
 * paper's backward reuse core's float64 row functions on the host (see docs/gpujs.md).
 */
import {
  BackendDisposedError,
  checkPaperBackward,
  reduceLossesAndGradient,
  validateLogEspRequest,
  validateLossRequest,
  type LogEspRequest,
  type LossRequest,
  type LossResult,
  type Reduction,
  type TopKBackend,
} from '@topk/core';
import { hardTopkRow, kthLargest, paperGradientRow, usesHardLoss } from '@topk/core/rows';
import type { GPU } from 'gpu.js';
import { KernelSet, readVector, type KernelOutput } from './kernels.js';
import type { GpujsMode, GpujsModeInfo } from './modes.js';
import { gpuJs } from './gpuJsModule.js';
import { acquireWebGpuDevice, releaseWebGpuDevice } from './webgpuDevice.js';
import {
  DEVICE_FACTOR_MIN,
  gradientFactors,
  hostScale,
  maxAbs,
  scaledDifference,
  toFloat32Matrix,
  tiltRoundsAway,
  Z_OFFSET_CAP,
  Z_OFFSET_FLOOR,
} from './float32Range.js';
import { rowsPerChunk, treeShape, type TreeShape } from './tree.js';
import { linearBoundOk, LinearPlans } from './linearPlan.js';
import { aboveShiftProduct, writeAboveShiftGradient } from './aboveShift.js';
import { leafTilt } from './tilt.js';

/** Per-row values the kernels read: shift, z offset, label, gradient multiplier. */
const ROW_FIELDS = 4;
/** 2^-i, i = 0..127: the table of the large-k kernels' written-out `exp` (kernelSources.ts). */
const POW2 = Float32Array.from({ length: 128 }, (_, i) => 2 ** -i);

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
  private linear: LinearPlans | null;
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
    this.kernels = new KernelSet(this.gpu, info.mode);
    this.linear = new LinearPlans(this.gpu, this.kernels, info.mode, 4, info.maxTextureSize ?? Infinity);
  }

  /** One line saying which mode ran on which device, for benchmark output. */
  get description(): string {
    return `${this.name}: ${this.device.description}`;
  }

  /** Number of compiled kernels and pipelines held (for leak checks: steady once shapes repeat). */
  get kernelCount(): number {
    return (this.kernels?.size ?? 0) + (this.linear?.size ?? 0);
  }

  async loss(request: LossRequest): Promise<LossResult> {
    this.assertLive();
    const options = validateLossRequest(request);
    const { k, mode, backward, batch, n, weights, reduction } = options;
    const wantGrad = request.grad === true;
    if (wantGrad && backward === 'paper' && mode !== 'hard') checkPaperBackward(k, n);
    // What float32 cannot hold is refused here, before any device work (see float32Range.ts):
    // float32 scores are used as they are, float64 ones rounded once.
    const scores = toFloat32Matrix(request.scores, n, 'scores');
    // The gradient's per-row factor (weight, over the weight sum for mean).
    const factors = gradientFactors(weights, batch, reduction, wantGrad, request, options.labels);
    return this.serialize(() => this.lossValidated(scores, factors, options, wantGrad, batch, n, weights, reduction));
  }

  async logEsp(request: LogEspRequest): Promise<Float32Array> {
    this.assertLive();
    const [rows, n] = validateLogEspRequest(request);
    const x = toFloat32Matrix(request.x, n, 'x');
    return this.serialize(() => this.logEspValidated(x, rows, n, request.K));
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
      this.linear?.dispose();
      this.linear = null;
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

  /** Runs calls one at a time; webgpu's first call acquires the device first. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.assertLive();
      if (this.mode === 'webgpu') {
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

  /** Rows `from .. from + count - 1` of a row-major matrix, as a flat kernel argument. */
  private matrixArgument(data: Float32Array, from: number, count: number, width: number): Float32Array {
    return data.subarray(from * width, (from + count) * width);
  }

  private async lossValidated(
    scores: Float32Array,
    factors: Float64Array,
    options: ReturnType<typeof validateLossRequest>,
    wantGrad: boolean,
    batch: number,
    n: number,
    weights: Float64Array | undefined,
    reduction: Reduction,
  ): Promise<LossResult> {
    const { k, tau, alpha, mode, backward, labels } = options;

    const hardRows = new Uint8Array(batch);
    const scratch = new Float64Array(k + 2);
    if (mode !== 'smooth') {
      for (let i = 0; i < batch; i++) {
        hardRows[i] = mode === 'hard' || usesHardLoss(scores, i * n, n, k, tau, scratch) ? 1 : 0;
      }
    }
    // Host scaling (float32Range.ts): the kernels see (s - c) / lambda and tau / lambda.
    const largestScore = maxAbs(scores);
    const lambda = mode === 'hard' ? 1 : hostScale(tau, k, largestScore);
    // Rows of the probability tree (kernelSources.ts) are tilted (see tilt.ts): their kernels shift by c - theta k tau instead of c.
    const logSpace = mode !== 'hard' && !linearBoundOk(n, k);
    // The tilt moves the float32 shift by theta k tau: where the scores' spacing is coarse against
    // k tau that move would round away, so the kernels get differences from the shift instead.
    const scaled = lambda !== 1 || (logSpace && tiltRoundsAway(largestScore, k, tau));
    const kernelScores = scaled ? new Float32Array(batch * n) : scores;
    const kernelTau = tau / lambda;
    const rowValues = new Float32Array(batch * ROW_FIELDS);
    // Per row the k largest of s\y (values, positions) and T[0..k-1], the product of the entries
    // above the shift (see aboveShift.ts), in the kernels' units.
    const largest = new Float64Array(batch * k);
    const largestAt = new Int32Array(batch * k);
    const tops = new Float32Array(batch * k);
    const heap = new Float64Array(k);
    const heapAt = new Int32Array(k);
    const work = new Float64Array(k);
    const scale = 1 / (k * kernelTau);
    // tau (offset - cap) of rows whose z offset was capped, added to their losses.
    const capped = new Float64Array(batch);
    // Rows whose gradient factor is applied on the host.
    const hostFactor = new Uint8Array(batch);
    const tiltWork = logSpace ? new Float64Array(n) : null;
    for (let i = 0; i < batch; i++) {
      const y = labels[i];
      const offset = i * n;
      const c0 = kthLargest(scores, offset, n, k, y, heap, heapAt);
      // The shift in the kernels' units: the k-th largest itself, or 0 for the scaled differences.
      let c = c0;
      if (scaled) {
        for (let j = 0; j < n; j++) kernelScores[offset + j] = scaledDifference(scores[offset + j], c0, lambda);
        for (let q = 0; q < k; q++) heap[q] = scaledDifference(heap[q], c0, lambda);
        c = 0;
      }
      const cUntilted = c;
      largest.set(heap, i * k);
      largestAt.set(heapAt, i * k);
      aboveShiftProduct(heap, k, c, scale, tops, i * k, work);
      // The offset below is formed with the float32 shift the kernels use, so theta's rounding cancels.
      if (logSpace && !hardRows[i]) c = Math.fround(c - leafTilt(kernelScores, offset, n, k, y, c, scale, tiltWork!) / scale);
      rowValues[i * ROW_FIELDS] = c;
      // z = alpha/tau + log sigma_k - log sigma_{k-1} - x_y, x_y = (s_y - c) / (k tau), formed in
      // float64 as tau z's offset = alpha - (s_y - c0) / k plus the tilt, then divided by tau.
      const tauOffset = alpha - (scores[offset + y] - c0) / k + ((c - cUntilted) * lambda) / k;
      const zOffset = tauOffset / tau;
      if (zOffset > Z_OFFSET_CAP) capped[i] = tauOffset - tau * Z_OFFSET_CAP;
      rowValues[i * ROW_FIELDS + 1] = zOffset > Z_OFFSET_CAP ? Z_OFFSET_CAP : zOffset < Z_OFFSET_FLOOR ? Z_OFFSET_FLOOR : zOffset;
      rowValues[i * ROW_FIELDS + 2] = y;
      const f = factors[i];
      hostFactor[i] = f === 0 || (f >= DEVICE_FACTOR_MIN && f <= 1) ? 0 : 1;
      rowValues[i * ROW_FIELDS + 3] = hostFactor[i] ? 1 : f;
    }

    // Float64 losses: the weights multiply them in place, and tiny weights would flush to 0 in float32.
    const losses = new Float64Array(batch);
    const exactGrad = wantGrad && backward === 'exact' && mode !== 'hard';
    // The device's gradient is the result array itself where one chunk held every row.
    let grad: Float32Array | null = null;
    if (mode !== 'hard') {
      grad = await this.smoothOnDevice(kernelScores, rowValues, tops, largest, largestAt, batch, n, k, kernelTau, exactGrad, losses);
      for (let i = 0; i < batch; i++) losses[i] = losses[i] * lambda + capped[i];
    }
    if (wantGrad && grad === null) grad = new Float32Array(batch * n);
    // Factors left to the host (see above) multiply the device's rows here.
    if (exactGrad && grad !== null) {
      for (let i = 0; i < batch; i++) {
        const f = factors[i];
        if (hardRows[i] || !hostFactor[i]) continue;
        for (let j = i * n; j < (i + 1) * n; j++) grad[j] = grad[j] * f;
      }
    }

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
    const value = reduceLossesAndGradient(losses, weights, reduction);
    return grad === null ? { losses, value } : { losses, value, grad };
  }

  /** Smooth losses (and with `exactGrad` the exact gradient) of every row, on the device. */
  private async smoothOnDevice(
    scores: Float32Array,
    rowValues: Float32Array,
    tops: Float32Array,
    largest: Float64Array,
    largestAt: Int32Array,
    batch: number,
    n: number,
    k: number,
    tau: number,
    exactGrad: boolean,
    losses: Float64Array,
  ): Promise<Float32Array | null> {
    const kernels = this.live();
    const shape = treeShape(n, k);
    const scale = 1 / (k * tau);
    if (linearBoundOk(n, k)) {
      const plans = this.linear!;
      const chunk = plans.rowsPerChunk(shape, batch, exactGrad);
      let grad: Float32Array | null = null;
      const work = new Float64Array(2 * k);
      for (let r0 = 0; r0 < batch; r0 += chunk) {
        const rows = Math.min(chunk, batch - r0);
        const values = this.matrixArgument(scores, r0, rows, n);
        const rowInput = this.matrixArgument(rowValues, r0, rows, ROW_FIELDS);
        const out = await plans.run(n, k, tau, exactGrad, rows, values, rowInput, this.matrixArgument(tops, r0, rows, k), scale);
        const { terms, termsPerRow: S } = out;
        for (let i = 0; i < rows; i++) losses[r0 + i] = terms[i * S];
        if (!exactGrad) continue;
        // A fresh array from the read-back (one chunk: every row), kept rather than copied.
        const g = out.grad!;
        if (rows === batch && g.length === batch * n) {
          grad = g;
        } else {
          grad ??= new Float32Array(batch * n);
          grad.set(g.subarray(0, rows * n), r0 * n);
        }
        // The entries above the shift were identity leaves on the device (gradient 0 there).
        for (let i = 0; i < rows; i++) {
          const row = r0 + i;
          const at = i * S;
          writeAboveShiftGradient(largest, largestAt, row * k, k, rowValues[row * ROW_FIELDS], scale, terms, at + 4, terms[at + 2], terms[at + 3], grad, row * n, work);
        }
      }
      return grad;
    }
    const grad = exactGrad ? new Float32Array(batch * n) : null;
    const chunk = rowsPerChunk(shape, batch);
    for (let r0 = 0; r0 < batch; r0 += chunk) {
      const rows = Math.min(chunk, batch - r0);
      const values = this.matrixArgument(scores, r0, rows, n);
      const rowInput = this.matrixArgument(rowValues, r0, rows, ROW_FIELDS);
      const levels = await this.upSweep(kernels, shape, values, rowInput, rows, scale);
      const root = levels[shape.depth];
      const sRoot = shape.strides[shape.depth];
      if (!exactGrad) {
        const out = await readVector(await kernels.run('lossOnly', 0, 16, [rows], [root, rowInput, new Float32Array([k, tau, sRoot])]));
        for (let i = 0; i < rows; i++) losses[r0 + i] = out[i];
        continue;
      }
      // Complements of level-1 nodes, swept down from the root's children.
      let complement: KernelOutput = root;
      const widths = shape.complementWidths;
      for (let l = shape.depth - 1; l >= 1; l--) {
        const width = shape.nodes[l] * widths[l];
        complement = await kernels.run('downLevel', l, shape.loopBound, [rows * width], [
          complement,
          levels[l],
          new Float32Array([widths[l], shape.strides[l], l === shape.depth - 1 ? 1 : 0, width, k, widths[l + 1], 2 ** l, n]),
        ]);
      }
      const terms = await kernels.run('rowTerms', 0, 16, [rows * 4], [root, rowInput, new Float32Array([k, tau, sRoot])]);
      const out = await readVector(
        await kernels.run('gradientAndLoss', 0, 16, [rows * (n + 1)], [
          values,
          rowInput,
          complement,
          terms,
          POW2,
          new Float32Array([n, scale, k, shape.complementWidths[1], shape.depth === 1 ? 1 : 0, shape.nodes[1]]),
        ]),
      );
      for (let i = 0; i < rows; i++) {
        const line = (r0 + i) * n;
        losses[r0 + i] = out[i * (n + 1) + n];
        for (let j = 0; j < n; j++) grad![line + j] = out[i * (n + 1) + j];
      }
    }
    return grad;
  }

  /** Level 1 from the leaves, then one kernel per level up to the root; returns every level. */
  private async upSweep(
    kernels: KernelSet,
    shape: TreeShape,
    values: unknown,
    rowInput: unknown,
    rows: number,
    scale: number,
  ): Promise<KernelOutput[]> {
    const { strides, nodes, depth, loopBound } = shape;
    const levels: KernelOutput[] = [null];
    levels.push(
      await kernels.run('upFromLeaves', 1, 16, [rows * nodes[1] * strides[1]], [
        values,
        rowInput,
        POW2,
        new Float32Array([shape.n, scale, strides[1], nodes[1] * strides[1]]),
      ]),
    );
    for (let l = 2; l <= depth; l++) {
      levels.push(
        await kernels.run('upLevel', l, loopBound, [rows * nodes[l] * strides[l]], [
          levels[l - 1],
          new Float32Array([strides[l - 1], strides[l], nodes[l] * strides[l], 2 ** l, shape.n]),
        ]),
      );
    }
    return levels;
  }

  private async logEspValidated(x: Float32Array | Float64Array, rows: number, n: number, K: number): Promise<Float32Array> {
    const out = new Float32Array(rows * (K + 1));
    if (K === 0) return out;
    const kernels = this.live();
    const shape = treeShape(n, K);
    const { strides, nodes, depth, loopBound } = shape;
    // Pairs (hi, lo) double the cells of every level.
    const chunk = Math.max(1, Math.floor(rowsPerChunk(shape, rows) / 2));
    const values = Float32Array.from(x);
    // gpu.js's cpu mode computes in float64 and rounds each stored value to float32.
    const float64 = this.mode === 'cpu' ? 1 : 0;
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const count = Math.min(chunk, rows - r0);
      let level = await kernels.run('upFromLeavesPair', 1, 16, [count * nodes[1] * 2 * strides[1]], [
        this.matrixArgument(values, r0, count, n),
        new Float32Array([n, strides[1], nodes[1] * 2 * strides[1], float64, 1]),
      ]);
      for (let l = 2; l <= depth; l++) {
        level = await kernels.run('upLevelPair', l, loopBound, [count * nodes[l] * 2 * strides[l]], [
          level,
          new Float32Array([strides[l - 1], strides[l], nodes[l] * 2 * strides[l], float64, 1]),
        ]);
      }
      const root = await readVector(level);
      const width = 2 * strides[depth];
      for (let i = 0; i < count; i++) {
        for (let m = 0; m <= K; m++) {
          const hi = root[i * width + 2 * m];
          out[(r0 + i) * (K + 1) + m] = hi < -1e29 ? -Infinity : hi + root[i * width + 2 * m + 1];
        }
      }
    }
    return out;
  }

  /**
   * The rounding error of 1e8 + 1 as the device computes a two-sum: 1 where the compiled
   * kernel keeps compensated arithmetic, 0 where the compiler folded it away.
   */
  async twoSumError(): Promise<number> {
    return this.serialize(async () => {
      const out = await readVector(await this.live().run('twoSumProbe', 0, 16, [1], [new Float32Array([1e8, 1, 1])]));
      return out[0];
    });
  }
}
