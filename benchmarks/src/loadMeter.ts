/** Measures the load of a block of a run in Node (see load.ts for what is measured and why). */
import { cpus, loadavg } from 'node:os';
import type { BlockLoad } from './load.js';

/** CPU time used so far by every core and by this process, in milliseconds, at a wall-clock time. */
export interface CpuSnapshot {
  readonly wallMs: number;
  readonly busyMs: number;
  readonly ownMs: number;
  readonly loadAverage: number;
}

/** The counters now. */
export function cpuSnapshot(): CpuSnapshot {
  let busyMs = 0;
  for (const { times } of cpus()) busyMs += times.user + times.nice + times.sys + times.irq;
  const own = process.cpuUsage();
  return { wallMs: performance.now(), busyMs, ownMs: (own.user + own.system) / 1000, loadAverage: loadavg()[0] };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The load of a block between two snapshots, less `childCpuMs` of CPU spent by a child process the block waited on. */
export function blockLoadBetween(block: string, start: CpuSnapshot, end: CpuSnapshot, childCpuMs = 0): BlockLoad {
  const wallMs = Math.max(end.wallMs - start.wallMs, 1);
  const other = (end.busyMs - start.busyMs - (end.ownMs - start.ownMs) - childCpuMs) / wallMs;
  return {
    block,
    seconds: round(wallMs / 1000, 3),
    loadAverage: { start: round(start.loadAverage, 2), end: round(end.loadAverage, 2) },
    otherCores: round(Math.max(0, other), 2),
  };
}

/** Starts a block; the returned function ends it and gives its load. */
export function startBlock(block: string): (childCpuMs?: number) => BlockLoad {
  const start = cpuSnapshot();
  return (childCpuMs = 0) => blockLoadBetween(block, start, cpuSnapshot(), childCpuMs);
}

/** Runs `task` as one block and returns its result with the block's load. */
export async function measureBlock<T>(block: string, task: () => Promise<T>): Promise<{ result: T; load: BlockLoad }> {
  const end = startBlock(block);
  const result = await task();
  return { result, load: end() };
}

