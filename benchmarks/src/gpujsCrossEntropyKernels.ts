/**
 * Softmax cross-entropy forward+backward as gpu.js kernels: the floor of the gpujs backends,
 * which export none. One kernel gives each row's log-sum-exp, a second the gradient
 * softmax - one-hot; the host takes `lse - s_y` per row. Both are read back, as the top-k
 * backend's `loss()` reads its results back. gpu.js is passed in, so that the Node benchmark and
 * the browser page load it each their own way.
 */
import type { Batch } from './data.js';

type Kernel = ((...args: unknown[]) => unknown) & { setOutput(output: number[]): void; destroy(): void };
interface GpuInstance {
  createKernel(source: unknown, settings: Record<string, unknown>): Kernel;
  destroy(): void | Promise<void>;
}
/** The part of gpu.js's module the floor uses. */
export interface GpuJsModule {
  GPU: new (settings: { mode: string }) => GpuInstance;
}

/*
 * The kernel sources are plain functions that gpu.js translates (GLSL, WGSL, wasm, JS). Scores are
 * a flat row-major array indexed by hand: gpu.js's cpu mode indexes a dynamic 2D input by the
 * kernel's output width instead of the row length.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
function logSumExpKernel(this: any, scores: any, n: number): number {
  let best = -3.0e38;
  for (let j = 0; j < n; j++) best = Math.max(best, scores[this.thread.x * n + j]);
  let total = 0;
  for (let jj = 0; jj < n; jj++) total += Math.exp(scores[this.thread.x * n + jj] - best);
  return best + Math.log(total);
}

function gradientKernel(this: any, scores: any, lse: any, labels: any, n: number): number {
  const hit = labels[this.thread.y] === this.thread.x ? 1 : 0;
  return Math.exp(scores[this.thread.y * n + this.thread.x] - lse[this.thread.y]) - hit;
}

async function settle(value: unknown): Promise<ArrayLike<number> | ArrayLike<ArrayLike<number>>> {
  const awaited = (await value) as { toArray?: () => unknown };
  if (awaited && typeof awaited.toArray === 'function') return (await awaited.toArray()) as ArrayLike<number>;
  return awaited as unknown as ArrayLike<number>;
}

/** Per-sample cross-entropy and its gradient rows, as read back. */
export type GpujsCrossEntropy = (batch: Batch) => Promise<{ losses: Float32Array; grad: ArrayLike<ArrayLike<number>> }>;

/** A cross-entropy runner on its own instance of the given gpu.js in `mode` (kernels cached per n). */
export function createGpujsCrossEntropy(gpujs: GpuJsModule, mode: string): GpujsCrossEntropy {
  const gpu = new gpujs.GPU({ mode });
  const kernels = new Map<number, { lse: Kernel; grad: Kernel }>();
  return async (batch: Batch) => {
    const { n } = batch;
    let pair = kernels.get(n);
    const settings = { precision: 'single', tactic: 'precision', dynamicOutput: true, dynamicArguments: true, loopMaxIterations: n };
    if (!pair) {
      pair = { lse: gpu.createKernel(logSumExpKernel, { ...settings, output: [batch.batch] }), grad: gpu.createKernel(gradientKernel, { ...settings, output: [n, batch.batch] }) };
      kernels.set(n, pair);
    }
    pair.lse.setOutput([batch.batch]);
    pair.grad.setOutput([n, batch.batch]);
    const scores = batch.scores32;
    const labels = Float32Array.from(batch.labels);
    const lse = (await settle(pair.lse(scores, n))) as ArrayLike<number>;
    const lseArray = Float32Array.from(lse);
    const grad = (await settle(pair.grad(scores, lseArray, labels, n))) as ArrayLike<ArrayLike<number>>;
    const losses = new Float32Array(batch.batch);
    for (let i = 0; i < batch.batch; i++) losses[i] = lseArray[i] - batch.scores32[i * n + batch.labels[i]];
    return { losses, grad };
  };
}
