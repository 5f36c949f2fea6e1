/** The benchmark's own arithmetic: comparisons, the float32 overflow demonstration, the grid plan. */
import { describe, expect, it } from 'vitest';
import { createCoreBackend, logEspDivideAndConquer, type TopKBackend } from '@topk/core';
import { runHeadToHead, runHeadToHeads } from '../src/headToHead.js';
import { makeBatch } from '../src/data.js';
import { PROFILES } from '../src/profiles.js';
import { BatchCache, planGrid, type SpeedResult } from '../src/speed.js';
import { compareRows, logEspSummationLinearFloat32 } from '../src/stability.js';
import { summarise } from '../src/stats.js';
import { computeRatios } from '../src/report.js';

describe('compareRows', () => {
  it('takes relative loss errors against max(1, |r|), absolute gradient errors, and counts non-finite rows', () => {
    const cmp = compareRows([1.5, 0.5, NaN], [1, 0.25, 3], [0.1, 0.2, 0, Infinity, 0, 0], [0.1, 0.25, 0, 0, 0, 0], 3);
    expect(cmp.lossError).toBeCloseTo(0.5);
    expect(cmp.gradError).toBeCloseTo(0.05);
    expect(cmp.nonFiniteShare).toBeCloseTo(2 / 3);
  });
});

describe('logEspSummationLinearFloat32', () => {
  it('agrees with divide and conquer on small inputs and overflows once exp(x) leaves float32', () => {
    const small = [0.1, -0.3, 0.7, 0.2];
    const reference = logEspDivideAndConquer(small, 3);
    const linear = logEspSummationLinearFloat32(small, 3);
    for (let m = 0; m <= 3; m++) expect(Math.abs(linear[m] - reference[m])).toBeLessThan(1e-6);
    const large = logEspSummationLinearFloat32([90, 1, 2], 2);
    expect(Number.isFinite(large[1])).toBe(false);
    expect(Number.isFinite(logEspDivideAndConquer([90, 1, 2], 2)[1])).toBe(true);
  });
});

describe('makeBatch', () => {
  it('is deterministic, float32-rounded in both copies, with labels in range', () => {
    const a = makeBatch(4, 10, 7, 100);
    const b = makeBatch(4, 10, 7, 100);
    expect(Array.from(a.scores32)).toEqual(Array.from(b.scores32));
    for (let i = 0; i < a.scores64.length; i++) expect(a.scores64[i]).toBe(Math.fround(a.scores64[i]));
    for (const y of a.labels) expect(y >= 0 && y < 10).toBe(true);
  });
});

describe('planGrid and ratios', () => {
  it('plans k < n only, smallest n first, with the cross-entropy floor once per n', () => {
    const backend = { name: 'core', family: 'core' as const, backend: createCoreBackend(), crossEntropy: async () => {}, floorNote: '', probeError: 0 };
    const plan = planGrid(PROFILES.default, backend);
    expect(plan.filter((p) => p.op === 'cross-entropy').map((p) => p.n)).toEqual([100, 1000, 10000, 100000]);
    expect(plan.every((p) => p.k === null || p.k < p.n)).toBe(true);
    expect(plan.some((p) => p.k === 100 && p.n === 1000)).toBe(true);
    const ns = plan.map((p) => p.n);
    expect(ns).toEqual([...ns].sort((x, y) => x - y));
  });

  it('divides by core and by the same backend\'s cross-entropy', () => {
    const r = (backend: string, op: SpeedResult['op'], k: number | null, ms: number): SpeedResult => ({ backend, op, batch: 1, n: 10, k, reps: 1, warmupMs: 0, ...summarise([ms]) });
    const ratios = computeRatios([r('core', 'forward+backward', 5, 4), r('core', 'cross-entropy', null, 2), r('x', 'forward+backward', 5, 12), r('x', 'cross-entropy', null, 3)]);
    expect(ratios.find((q) => q.backend === 'x')).toMatchObject({ toCore: 3, toCrossEntropy: 4 });
    expect(ratios.find((q) => q.backend === 'core')).toMatchObject({ toCore: 1, toCrossEntropy: 2 });
  });
});

describe('runHeadToHead', () => {
  it('times every contender in blocks of consecutive calls, rotating their order each round', async () => {
    const calls: string[] = [];
    const recording = (label: string): TopKBackend => {
      const inner = createCoreBackend();
      return { ...inner, name: label, precision: 'float64', loss: async (request) => (calls.push(label), inner.loss(request)) } as TopKBackend;
    };
    const backend = { name: 'x', family: 'core' as const, backend: recording('x'), crossEntropy: async () => void calls.push('ce'), floorNote: '', probeError: 0 };
    const plan = { n: 20, k: 5, aimKs: [], rounds: 3, block: 2, budgetMs: 60_000 };
    const h = await runHeadToHead(backend, recording('core'), new BatchCache(4), plan, 0);
    const timed = calls.slice(calls.length - 3 * 3 * 2);
    const blocks = Array.from({ length: 9 }, (_, i) => timed.slice(2 * i, 2 * i + 2));
    for (const b of blocks) expect(b[0]).toBe(b[1]);
    expect(blocks.map((b) => b[0])).toEqual(['x', 'core', 'ce', 'core', 'ce', 'x', 'ce', 'x', 'core']);
    expect(h.backendMs.samplesMs.length).toBe(6);
    expect(h.coreMs.samplesMs.length).toBe(6);
    expect(h.crossEntropyMs?.samplesMs.length).toBe(6);
    expect(h.roundRatiosToCore.length).toBe(3);
    expect(h.toCore).toBeCloseTo(h.backendMs.medianMs / h.coreMs.medianMs, 2);
  });

  it('cuts the rounds to the time budget, keeping at least one', async () => {
    const backend = { name: 'x', family: 'core' as const, backend: createCoreBackend(), crossEntropy: null, floorNote: '', probeError: 0 };
    const h = await runHeadToHead(backend, createCoreBackend(), new BatchCache(4), { n: 20, k: 5, aimKs: [], rounds: 50, block: 2, budgetMs: 0 }, 0);
    expect(h.rounds).toBe(1);
    expect(h.crossEntropyMs).toBeNull();
    expect(h.toCrossEntropy).toBeNull();
  });

  it('times the backends with speed aims at every aim k too, the others at the main k only', async () => {
    const found = ['tfjs:wasm', 'tfjs:cpu'].map((name) => ({ name, family: 'core' as const, backend: createCoreBackend(), crossEntropy: null, floorNote: '', probeError: 0 }));
    const plan = { n: 20, k: 5, aimKs: [3, 7], rounds: 1, block: 1, budgetMs: 60_000 };
    const { results, skipped } = await runHeadToHeads(found, new BatchCache(4), plan, 0, () => undefined);
    expect(skipped).toEqual([]);
    expect(results.map((r) => `${r.backend} k=${r.k}`)).toEqual(['tfjs:wasm k=5', 'tfjs:wasm k=3', 'tfjs:wasm k=7', 'tfjs:cpu k=5']);
  });
});
