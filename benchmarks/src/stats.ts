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

/** Milliseconds since an arbitrary origin, with sub-millisecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Lets timers run (the progress bar redraws on a timer): the CPU backends resolve their
 * promises synchronously, so a run of them would otherwise never leave the microtask queue.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
