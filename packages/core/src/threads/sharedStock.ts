/**
 * Shared memory kept from one split batch to the next. A `SharedArrayBuffer` made for each batch
 * is fresh pages, which the system maps and zeroes as the rows are written, and which it gets back
 * only once the heap of every thread that saw the batch has been collected: a training loop would
 * keep asking for new memory. Buffers kept from the last batch are mapped already.
 */

/** The most buffers kept: one batch's scores, losses and gradient. */
const KEPT = 3;

/** Shared buffers free for the next batch. */
export class SharedBufferStock {
  private readonly free: SharedArrayBuffer[] = [];

  /** The smallest kept buffer of at least `byteLength` bytes, taken out of the stock, or a new one. */
  take(byteLength: number): SharedArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i].byteLength >= byteLength && (best < 0 || this.free[i].byteLength < this.free[best].byteLength)) best = i;
    }
    return best < 0 ? new SharedArrayBuffer(byteLength) : this.free.splice(best, 1)[0];
  }

  /** Keeps buffers that no thread reads or writes any more, the largest few. */
  keep(buffers: readonly SharedArrayBuffer[]): void {
    this.free.push(...buffers);
    this.free.sort((a, b) => b.byteLength - a.byteLength).splice(KEPT);
  }

  /** Lets every kept buffer go. */
  clear(): void {
    this.free.length = 0;
  }
}
