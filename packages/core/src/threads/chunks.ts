/**
 * How the threads of a split batch share its rows: the rows are cut into chunks, and every
 * thread (workers and, unless told otherwise, the calling thread) claims the next chunk from a
 * shared counter until none is left, so that a thread that starts late or meets costlier rows
 * simply computes fewer chunks.
 */
import { type LossRowTask, LossRowWorkspace, computeLossRows } from '../loss/rows.js';

/** Index in the control array of the next chunk to claim. */
const NEXT_CHUNK = 0;
/** Index in the control array of the rows written so far, by every thread together. */
const ROWS_DONE = 1;

/** The control array of a task: `[next chunk, rows done]` on a `SharedArrayBuffer`. */
export function createControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/** Rows written so far. Its atomic read makes every row counted visible to this thread. */
export function rowsDone(control: Int32Array): number {
  return Atomics.load(control, ROWS_DONE);
}

/**
 * Claims and computes chunks of `chunkRows` rows of the task until none is left; returns the
 * rows this thread computed. Each chunk's rows are written before they are counted as done.
 */
export function computeClaimedChunks(task: LossRowTask, control: Int32Array, chunkRows: number): number {
  const batch = task.labels.length;
  let rows = 0;
  let workspace: LossRowWorkspace | undefined;
  for (;;) {
    const first = Atomics.add(control, NEXT_CHUNK, 1) * chunkRows;
    if (first >= batch) break;
    // Made on the first chunk claimed: a thread that comes too late allocates nothing.
    workspace ??= new LossRowWorkspace(task.n, task.k);
    const end = Math.min(batch, first + chunkRows);
    computeLossRows(task, first, end, workspace);
    Atomics.add(control, ROWS_DONE, end - first);
    rows += end - first;
  }
  return rows;
}
