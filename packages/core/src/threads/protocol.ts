/**
 * The messages between `CoreBackend`'s row pool and its worker threads. A task carries the
 * batch (scores in, losses and gradients out, all on `SharedArrayBuffer`s, so posting it copies
 * no big array) and a shared counter from which every thread claims chunks of rows.
 */
import type { LossRowTask } from '../loss/rows.js';

/** A batch to compute, chunk by chunk (see chunks.ts). */
export interface RowTaskMessage {
  readonly id: number;
  readonly task: LossRowTask;
  /** `[next chunk to claim, rows done]`, on a `SharedArrayBuffer` shared by every thread of the task. */
  readonly control: Int32Array;
  readonly chunkRows: number;
}

/** What a worker thread posts back. */
export type WorkerReply =
  /** The worker has loaded and listens for tasks. */
  | { readonly kind: 'ready' }
  /** No chunk of task `id` is left to claim, and this thread has written every row it claimed. */
  | { readonly kind: 'done'; readonly id: number }
  /** Task `id` threw in this thread: the error as thrown, for the caller's rejected promise. */
  | { readonly kind: 'error'; readonly id: number; readonly name: string; readonly message: string; readonly stack?: string };
