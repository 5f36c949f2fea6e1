/** Summary statistics of timing samples (simple-statistics does the arithmetic). */
import { median, medianAbsoluteDeviation, min, max, quantile } from 'simple-statistics';

/** Median and spread of one measured configuration, in milliseconds. */
export interface TimingSummary {
  /** Every timed repetition (warm-up excluded). */
  readonly samplesMs: number[];
  readonly medianMs: number;
  /** Median absolute deviation: a spread that one slow outlier does not inflate. */
  readonly madMs: number;
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Summarises timing samples (at least one). */
export function summarise(samplesMs: number[]): TimingSummary {
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    samplesMs: samplesMs.map(round),
    medianMs: round(median(samplesMs)),
    madMs: round(samplesMs.length > 1 ? medianAbsoluteDeviation(samplesMs) : 0),
    q1Ms: round(quantile(samplesMs, 0.25)),
    q3Ms: round(quantile(samplesMs, 0.75)),
    minMs: round(min(samplesMs)),
    maxMs: round(max(samplesMs)),
  };
}

/**
 * Milliseconds since an arbitrary origin, with sub-millisecond resolution: the monotonic
 * `performance.now()` clock, the same in Node and in a browser.
 */
export function nowMs(): number {
  return performance.now();
}

/**
 * Lets timers run (the progress bar redraws on a timer, the page repaints between tasks): the
 * CPU backends resolve their promises synchronously, so a run of them would otherwise never
 * leave the microtask queue. Node's `setImmediate` where it exists, a zero timeout in a browser.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(() => resolve()) : setTimeout(resolve, 0)));
}
