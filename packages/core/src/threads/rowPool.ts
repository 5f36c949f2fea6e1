/**
 * A small pool of worker threads that computes the rows of a batch in parallel. Threads start
 * on the first batch that asks for them and stay until {@link LossRowPool.dispose}; an idle
 * thread never keeps Node alive. A thread that fails (out of memory, exited) is dropped and
 * replaced on the next batch, so the pool stays usable.
 */
import type { LossRowTask } from '../loss/rows.js';
import type { WorkerReply } from './protocol.js';
import { computeClaimedChunks, createControl, rowsDone } from './chunks.js';
import type { RowThread, ThreadHost } from './threadHost.js';

/**
 * Chunks per thread. Threads end at most about one chunk apart (a worker that wakes late, rows
 * of unequal cost: hard and smooth rows in `auto`, rows on the log-space path), and claiming a
 * chunk costs two atomic additions, so chunks are small.
 */
const CHUNKS_PER_THREAD = 16;

interface PendingTask {
  readonly control: Int32Array;
  readonly batch: number;
  /** Rows the calling thread computed; the workers computed the others. */
  callerRows: number;
  /** Threads that have not yet replied. */
  remaining: number;
  settled: boolean;
  resolve(): void;
  reject(error: Error): void;
}

interface PoolThread {
  readonly handle: RowThread;
  /** Whether the worker has loaded (its `ready` reply). */
  ready: boolean;
  ended: boolean;
  /** Tasks posted to this thread and not yet answered, by id. */
  readonly outstanding: Map<number, PendingTask>;
}

/** Worker threads that compute {@link LossRowTask}s whose arrays live on `SharedArrayBuffer`s. */
export class LossRowPool {
  private readonly threads: PoolThread[] = [];
  private nextId = 1;
  private disposed = false;
  private startFailure: Error | undefined;
  /** Rows computed on worker threads so far. */
  rowsOnWorkers = 0;

  constructor(private readonly host: ThreadHost) {}

  /** False once a worker could not start here (e.g. the worker module was not found): use one thread. */
  get available(): boolean {
    return this.startFailure === undefined && !this.disposed;
  }

  /** Why workers cannot start here, when {@link available} is false for that reason. */
  get unavailableReason(): Error | undefined {
    return this.startFailure;
  }

  /**
   * Computes every row of `task` on `workers` worker threads (started if not yet running) and,
   * with `callerComputes`, on the calling thread too, which then claims chunks until none is
   * left before it returns. Resolves once all rows are written; rejects with the error a
   * thread threw or failed with.
   */
  run(task: LossRowTask, workers: number, callerComputes: boolean): Promise<void> {
    if (!this.available) return Promise.reject(this.startFailure ?? new Error('the row pool was disposed'));
    try {
      while (this.threads.length < workers) this.threads.push(this.spawn());
    } catch (error) {
      // A worker that cannot even be constructed here (say, a page's content security policy).
      this.startFailure = error instanceof Error ? error : new Error(String(error));
      return Promise.reject(this.startFailure);
    }
    // The least busy threads take the task.
    const chosen = [...this.threads].sort((a, b) => a.outstanding.size - b.outstanding.size).slice(0, workers);
    const batch = task.labels.length;
    const participants = chosen.length + (callerComputes ? 1 : 0);
    const chunkRows = Math.max(1, Math.ceil(batch / (participants * CHUNKS_PER_THREAD)));
    const control = createControl();
    const id = this.nextId++;
    let pending!: PendingTask;
    const done = new Promise<void>((resolve, reject) => {
      pending = { control, batch, callerRows: 0, remaining: chosen.length, settled: false, resolve, reject };
    });
    for (const thread of chosen) {
      if (thread.outstanding.size === 0) thread.handle.ref();
      thread.outstanding.set(id, pending);
      try {
        thread.handle.post({ id, task, control, chunkRows });
      } catch (error) {
        this.answer(thread, id);
        settle(pending, error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (callerComputes && !pending.settled) {
      try {
        pending.callerRows = computeClaimedChunks(task, control, chunkRows);
      } catch (error) {
        settle(pending, error instanceof Error ? error : new Error(String(error)));
      }
      // Workers that have not started yet (or only now start) find no chunk left: no need to wait for them.
      if (rowsDone(control) === batch) this.complete(pending);
    }
    return done;
  }

  /** Ends every thread; tasks still running reject with `reason`. Resolves once all threads stopped. */
  async dispose(reason: Error): Promise<void> {
    this.disposed = true;
    const threads = this.threads.splice(0);
    for (const thread of threads) {
      thread.ended = true;
      for (const pending of thread.outstanding.values()) settle(pending, reason);
      thread.outstanding.clear();
    }
    await Promise.all(threads.map((thread) => thread.handle.terminate()));
  }

  private spawn(): PoolThread {
    // The host reports events asynchronously, after `thread` is assigned.
    let thread: PoolThread | undefined;
    const handle = this.host.spawn({
      message: (reply) => thread && this.onReply(thread, reply),
      failure: (error) => thread && this.onFailure(thread, error),
    });
    thread = { handle, ready: false, ended: false, outstanding: new Map() };
    handle.unref();
    return thread;
  }

  private onReply(thread: PoolThread, reply: WorkerReply): void {
    if (reply.kind === 'ready') {
      thread.ready = true;
      return;
    }
    const pending = this.answer(thread, reply.id);
    if (pending === undefined) return;
    if (reply.kind === 'done') {
      pending.remaining--;
      // A thread replies after its last chunk is counted, so some reply comes after the last rows.
      if (rowsDone(pending.control) === pending.batch) this.complete(pending);
      else if (pending.remaining === 0) settle(pending, new Error(`worker threads ended a batch of ${pending.batch} rows with ${rowsDone(pending.control)} written`));
    } else {
      const error = new Error(reply.message);
      error.name = reply.name;
      if (reply.stack !== undefined) error.stack = reply.stack;
      settle(pending, error);
    }
  }

  /** Resolves a task whose rows are all written, counting those computed on workers. */
  private complete(pending: PendingTask): void {
    if (pending.settled) return;
    this.rowsOnWorkers += pending.batch - pending.callerRows;
    settle(pending);
  }

  /** Takes task `id` off the thread's outstanding tasks; lets the process end once the thread is idle. */
  private answer(thread: PoolThread, id: number): PendingTask | undefined {
    const pending = thread.outstanding.get(id);
    thread.outstanding.delete(id);
    if (pending !== undefined && thread.outstanding.size === 0 && !thread.ended) thread.handle.unref();
    return pending;
  }

  private onFailure(thread: PoolThread, error: Error): void {
    if (thread.ended) return;
    thread.ended = true;
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    // A worker that never loaded will not load on the next try either.
    if (!thread.ready && !this.disposed) this.startFailure = error;
    for (const pending of thread.outstanding.values()) settle(pending, error);
    thread.outstanding.clear();
    void thread.handle.terminate().catch(() => {});
  }
}

function settle(pending: PendingTask, error?: Error): void {
  if (pending.settled) return;
  pending.settled = true;
  if (error === undefined) pending.resolve();
  else pending.reject(error);
}
