/** The float64 reference backend: the interface every other backend is tested against. */
import type { LogEspRequest, LossRequest, LossResult, TopKBackend } from './backend.js';
import { finishLossBatch, prepareLossBatch, topkSvmLoss } from './loss/topkSvm.js';
import { logElementarySymmetric, type EspAlgorithm } from './esp/index.js';
import { BackendDisposedError, TopKArgumentError } from './errors.js';
import { LossRowPool } from './threads/rowPool.js';
import { SharedBufferStock } from './threads/sharedStock.js';
import { type ThreadHost, defaultThreadHost } from './threads/threadHost.js';

/**
 * Threads used by default: the machine's parallelism up to this many. Past it the work left on
 * the calling thread (validation, copying the scores to shared memory, the reduction) bounds
 * the gain, and a library should not take every core of a large server unasked.
 */
export const DEFAULT_MAX_THREADS = 8;

/** The most threads accepted: each is a JavaScript engine of its own, with its own memory. */
export const MAX_THREADS = 256;

/**
 * Default {@link CoreBackendOptions.parallelThreshold}: batches with fewer scores (rows times
 * classes) than this run on the calling thread, where handing rows to workers would cost
 * more than it saves (where two threads start to win in a side-by-side run; see docs/core.md).
 */
export const DEFAULT_PARALLEL_THRESHOLD = 16384;

/** Ends the threads of a backend that was dropped without `dispose()` once it is garbage collected. */
const poolsOfDroppedBackends = new FinalizationRegistry<LossRowPool>((pool) => {
  void pool.dispose(new BackendDisposedError('core'));
});

/** Options of {@link CoreBackend}. */
export interface CoreBackendOptions {
  /** Algorithm of `logEsp` (default divide and conquer). */
  espAlgorithm?: EspAlgorithm;
  /**
   * Threads a large batch of `loss` is split over (worker threads in Node, Web Workers in a
   * cross-origin-isolated page); 0 or 1 computes every batch on the calling thread. Default:
   * the machine's parallelism (`os.availableParallelism()`, `navigator.hardwareConcurrency`)
   * up to {@link DEFAULT_MAX_THREADS}; 1 where threads cannot share memory.
   */
  threads?: number;
  /**
   * Batches with fewer scores than this (rows times classes) are computed on the calling
   * thread (default {@link DEFAULT_PARALLEL_THRESHOLD}); 0 splits every batch of two rows or more.
   */
  parallelThreshold?: number;
  /**
   * Whether the calling thread computes rows of a split batch alongside the workers (default
   * true: `threads` counts it, so `threads - 1` workers start). With false, `threads` workers
   * compute every row while the calling thread only validates, reduces and waits, its event
   * loop free (a browser page's main thread, a server's), at the cost of one more thread.
   */
  callingThreadComputes?: boolean;
}

/**
 * Pure-TypeScript float64 backend: exact to rounding. Large batches are split by rows over
 * worker threads that share the scores, losses and gradients in memory; each row is computed
 * by the same function as on one thread, and the reduction runs on the calling thread in row
 * order, so the results are the same bit for bit whatever the number of threads.
 */
export class CoreBackend implements TopKBackend {
  readonly name = 'core';
  readonly precision = 'float64' as const;
  private readonly espAlgorithm: EspAlgorithm;
  private readonly host: ThreadHost | undefined;
  private readonly maxThreads: number;
  private readonly threshold: number;
  private readonly callingThreadComputes: boolean;
  /** This backend's own pool, started by the first batch big enough. */
  private pool: LossRowPool | undefined;
  /** Shared memory of earlier split batches, free for the next one. */
  private readonly stock = new SharedBufferStock();
  private disposed = false;

  constructor(options: CoreBackendOptions = {}) {
    this.espAlgorithm = options.espAlgorithm ?? 'divide-and-conquer';
    const { threads, parallelThreshold = DEFAULT_PARALLEL_THRESHOLD } = options;
    if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 0 || threads > MAX_THREADS)) {
      throw new TopKArgumentError('threads', threads, `must be an integer from 0 to ${MAX_THREADS} (0 or 1: compute on the calling thread)`);
    }
    if (typeof parallelThreshold !== 'number' || !(parallelThreshold >= 0)) {
      throw new TopKArgumentError('parallelThreshold', parallelThreshold, 'must be a number >= 0 (scores per batch)');
    }
    this.threshold = parallelThreshold;
    const { callingThreadComputes = true } = options;
    if (typeof callingThreadComputes !== 'boolean') {
      throw new TopKArgumentError('callingThreadComputes', callingThreadComputes, 'must be true or false');
    }
    this.callingThreadComputes = callingThreadComputes;
    this.host = threads === 0 || threads === 1 ? undefined : defaultThreadHost();
    this.maxThreads = this.host === undefined ? 1 : threads ?? Math.max(1, Math.min(this.host.parallelism, DEFAULT_MAX_THREADS));
  }

  /**
   * Threads a large batch is split over: the `threads` option (or its default), 1 where
   * threads cannot share memory here or the worker module could not be loaded.
   */
  get threads(): number {
    return this.pool !== undefined && !this.pool.available && !this.disposed ? 1 : this.maxThreads;
  }

  /** The smallest batch, in scores (rows times classes), split over threads. */
  get parallelThreshold(): number {
    return this.threshold;
  }

  /** Rows computed on worker threads so far: whether batches are being split. */
  get workerRows(): number {
    return this.pool?.rowsOnWorkers ?? 0;
  }

  async loss(request: LossRequest): Promise<LossResult> {
    this.checkLive();
    const threads = this.threadsFor(request);
    if (threads <= 1) return topkSvmLoss(request);
    // Validation, on this thread, throws here exactly as on one thread.
    const taken: SharedArrayBuffer[] = [];
    const take = (byteLength: number) => {
      const buffer = this.stock.take(byteLength);
      taken.push(buffer);
      return buffer;
    };
    const prepared = prepareLossBatch(
      request,
      (length) => new Float64Array(take(length * Float64Array.BYTES_PER_ELEMENT), 0, length),
      (scores) => (scores.buffer instanceof SharedArrayBuffer ? scores : copyInto(take(scores.byteLength), scores)),
    );
    if (this.pool === undefined) {
      this.pool = new LossRowPool(this.host!);
      poolsOfDroppedBackends.register(this, this.pool, this);
    }
    const pool = this.pool;
    try {
      await pool.run(prepared.task, this.callingThreadComputes ? threads - 1 : threads, this.callingThreadComputes);
    } catch (error) {
      // Workers cannot start here (say, a bundle without the worker module): one thread.
      if (!pool.available && pool.unavailableReason !== undefined) return topkSvmLoss(request);
      throw error;
    }
    // Every row is written: the results are copied out, and no thread uses the buffers any more.
    const { task } = prepared;
    const result = finishLossBatch({ ...prepared, task: { ...task, losses: task.losses.slice(), grad: task.grad && task.grad.slice() } });
    this.stock.keep(taken);
    return result;
  }

  async logEsp(request: LogEspRequest): Promise<Float64Array> {
    this.checkLive();
    return logElementarySymmetric(request, this.espAlgorithm);
  }

  /**
   * Marks the backend disposed (later calls reject with {@link BackendDisposedError}) and ends
   * its worker threads; resolves once they have stopped.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    const pool = this.pool;
    this.pool = undefined;
    this.stock.clear();
    poolsOfDroppedBackends.unregister(this);
    if (pool !== undefined) await pool.dispose(new BackendDisposedError(this.name));
  }

  private checkLive(): void {
    if (this.disposed) throw new BackendDisposedError(this.name);
  }

  /** Threads for a request: 1 for small batches, else up to one per row. Bad requests get 1 and fail validation. */
  private threadsFor(request: LossRequest): number {
    if (this.maxThreads <= 1 || (this.pool !== undefined && !this.pool.available)) return 1;
    const rows = Array.isArray(request?.shape) ? request.shape[0] : undefined;
    const entries = request?.scores?.length;
    if (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 2) return 1;
    if (typeof entries !== 'number' || entries < this.threshold) return 1;
    return Math.min(this.maxThreads, rows);
  }
}

/** A copy of the scores at the start of `buffer`, of the same type. */
function copyInto(buffer: SharedArrayBuffer, scores: Float32Array | Float64Array): Float32Array | Float64Array {
  const copy = scores instanceof Float32Array ? new Float32Array(buffer, 0, scores.length) : new Float64Array(buffer, 0, scores.length);
  copy.set(scores);
  return copy;
}

/** Creates the float64 reference backend. */
export function createCoreBackend(options?: CoreBackendOptions): CoreBackend {
  return new CoreBackend(options);
}
