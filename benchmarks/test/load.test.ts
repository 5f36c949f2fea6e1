/** The load guard: what a block's other-process load is, and which ratios it refuses. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LOAD_TOLERANCE_CORES, MIN_JUDGED_SECONDS, loadMismatch, type BlockLoad } from '../src/load.js';
import { blockLoadBetween, startBlock, type CpuSnapshot } from '../src/loadMeter.js';
import { computeRatios } from '../src/ratios.js';
import type { SpeedResult } from '../src/speed.js';
import { summarise } from '../src/stats.js';

const at = (wallMs: number, busyMs: number, ownMs: number, loadAverage = 1): CpuSnapshot => ({ wallMs, busyMs, ownMs, loadAverage });

function block(name: string, otherCores: number, speedOf: string[] = []): BlockLoad {
  return { block: name, seconds: 10, loadAverage: { start: 1, end: 1 }, otherCores, speedOf };
}

function fwdBwd(backend: string, medianMs: number): SpeedResult {
  return { backend, op: 'forward+backward', batch: 256, n: 1000, k: 5, reps: 1, warmupMs: 0, ...summarise([medianMs]) };
}

describe('blockLoadBetween', () => {
  it('counts every core\'s busy time less this process\'s and its timed child\'s, per second of wall time', () => {
    // 2 s of wall time, 5 s of CPU on all cores: 2 s this process, 1 s a child it timed, 2 s others.
    const load = blockLoadBetween('b', at(1000, 10_000, 300, 0.5), at(3000, 15_000, 2300, 1.75), 1000);
    expect(load).toEqual({ block: 'b', seconds: 2, loadAverage: { start: 0.5, end: 1.75 }, otherCores: 1 });
  });

  it('never reports a negative load (the per-core counters tick coarser than the process clock)', () => {
    expect(blockLoadBetween('b', at(0, 0, 0), at(1000, 990, 1000)).otherCores).toBe(0);
  });
});

describe('startBlock', () => {
  it('sees a process that is not the benchmark\'s as other load', async () => {
    const end = startBlock('busy child');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 1500);'], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('close', () => resolve());
    });
    // Other work on the machine can only add to it.
    expect(end().otherCores).toBeGreaterThan(0.6);
  });
});

describe('loadMismatch', () => {
  it(`refuses blocks more than ${LOAD_TOLERANCE_CORES} core apart and names both`, () => {
    expect(loadMismatch(block('a', 0.1), block('b', 0.5))).toBeNull();
    const reason = loadMismatch(block('core: speed grid', 0.05), block('tfjs:wasm: speed grid', 0.9));
    expect(reason).toContain('0.05 cores during core: speed grid');
    expect(reason).toContain('0.9 during tfjs:wasm: speed grid');
  });

  it('compares when a load is unknown (reports from before loads were measured) or a block too short to judge', () => {
    expect(loadMismatch(undefined, block('b', 3))).toBeNull();
    expect(loadMismatch({ ...block('a', 0), seconds: MIN_JUDGED_SECONDS / 2 }, block('b', 3))).toBeNull();
  });
});

describe('computeRatios under loads', () => {
  const speed = [fwdBwd('core', 10), fwdBwd('tfjs:wasm', 15)];

  it('gives the ratio to core when both speed grids ran under the same load', () => {
    const [, wasm] = computeRatios(speed, [block('core', 0.1, ['core']), block('wasm', 0.3, ['tfjs:wasm'])]);
    expect(wasm.toCore).toBe(1.5);
    expect(wasm.toCoreRefused).toBeUndefined();
  });

  it('refuses it, with the reason, when they did not', () => {
    const [, wasm] = computeRatios(speed, [block('core', 0.1, ['core']), block('wasm', 1.2, ['tfjs:wasm'])]);
    expect(wasm.toCore).toBeNull();
    expect(wasm.toCoreRefused).toMatch(/0\.1 cores during core and 1\.2 during wasm/);
  });
});
