/**
 * The load during each block of a run, and whether two blocks were measured under the same
 * conditions (no Node API here: the browser page shares the comparisons).
 *
 * The load average is printed because it is what people check, but it cannot decide: it lags by
 * about a minute and counts the benchmark's own threads (a block that times core on two threads
 * raises it by one core by itself). What decides is the CPU that other processes used during the
 * block: every core's busy time (from the kernel's per-CPU counters) minus the time this process,
 * and any child it timed, used, over the block's wall time.
 */

/** Two blocks whose other-process load differs by more than this many cores are not compared. */
export const LOAD_TOLERANCE_CORES = 0.5;

/**
 * Blocks shorter than this are compared whatever their loads: the kernel counts CPU time in ticks
 * of 10 ms per core, too coarse to judge a fraction of a second.
 */
export const MIN_JUDGED_SECONDS = 1;

/** The load during one block of a run. */
export interface BlockLoad {
  /** What the block measured, e.g. "core: speed grid". */
  readonly block: string;
  readonly seconds: number;
  /** 1-minute load average when the block started and when it ended. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  /** Cores' worth of CPU that other processes used while the block ran. */
  readonly otherCores: number;
  /** The backends whose speed-grid figures this block timed. */
  readonly speedOf?: readonly string[];
}

/** Why figures of blocks `a` and `b` may not be compared, or null when they may (or a load is unknown or too short to judge). */
export function loadMismatch(a: BlockLoad | undefined, b: BlockLoad | undefined): string | null {
  if (!a || !b || Math.min(a.seconds, b.seconds) < MIN_JUDGED_SECONDS) return null;
  if (Math.abs(a.otherCores - b.otherCores) <= LOAD_TOLERANCE_CORES) return null;
  return `other processes used ${a.otherCores} cores during ${a.block} and ${b.otherCores} during ${b.block} (more than ${LOAD_TOLERANCE_CORES} apart)`;
}

/** One line for the terminal and the page. */
export function describeBlockLoad(load: BlockLoad): string {
  return `${load.block}: ${load.seconds} s, load average ${load.loadAverage.start} -> ${load.loadAverage.end}, other processes ${load.otherCores} cores`;
}

/** The block that timed a backend's speed-grid figures. */
export function speedBlockOf(loads: readonly BlockLoad[], backend: string): BlockLoad | undefined {
  return loads.find((load) => load.speedOf?.includes(backend));
}
