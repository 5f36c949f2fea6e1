/**
 * The quick profile end to end, as CI runs it: it must finish, find core, and write a JSON
 * report, SVG charts and a markdown page whose figures come from that JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_BACKEND_NAMES } from '../src/backends.js';
import type { BenchmarkReport } from '../src/report.js';
import { describeMemoryPages, memoryPagesSentence } from '../src/memoryPages.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const CHARTS = ['time-vs-n.svg', 'time-vs-k.svg', 'ratio-to-cross-entropy.svg', 'error-vs-tau.svg', 'non-finite-map.svg'];

/** gpu.js headlessgl needs an X display: use xvfb-run when there is none and it is installed. */
function command(args: string[]): [string, string[]] {
  const xvfb = '/usr/bin/xvfb-run';
  if (!process.env.DISPLAY && existsSync(xvfb)) return [xvfb, ['-a', process.execPath, MAIN, ...args]];
  return [process.execPath, [MAIN, ...args]];
}

describe('npm run bench:quick', () => {
  let dir: string;
  let report: BenchmarkReport;
  let markdown: string;
  let output: string;
  let seconds: number;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'topk-bench-test-'));
    const [exe, args] = command(['--quick', '--out-dir', dir, '--markdown', join(dir, 'benchmarks.md')]);
    const started = Date.now();
    const run = spawnSync(exe, args, { encoding: 'utf8', timeout: 280_000, env: { ...process.env, TOPK_PYTORCH_REF: '' } });
    seconds = (Date.now() - started) / 1000;
    output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    report = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as BenchmarkReport;
    markdown = readFileSync(join(dir, 'benchmarks.md'), 'utf8');
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accounts for every backend it looks for: found, or skipped with a reason', () => {
    expect(report.backends.found).toContain('core');
    const accounted = [...report.backends.found, ...report.backends.skipped.map((s) => s.name)].sort();
    expect(accounted).toEqual([...ALL_BACKEND_NAMES].sort());
    for (const skipped of report.backends.skipped) expect(skipped.reason.length).toBeGreaterThan(0);
    for (const name of ALL_BACKEND_NAMES) expect(output).toContain(name);
  });

  it("records how the run's large blocks of memory were paged, and says so on the page", () => {
    expect(report.machine.memoryPages).toEqual(describeMemoryPages());
    expect(markdown).toContain(memoryPagesSentence(report.machine.memoryPages!));
  });

  it('measures core forward, forward+backward and cross-entropy at n = 1000, k = 5', () => {
    for (const op of ['forward', 'forward+backward'] as const) {
      const r = report.speed.find((x) => x.backend === 'core' && x.op === op && x.n === 1000 && x.k === 5);
      expect(r, op).toBeDefined();
      expect(r!.medianMs).toBeGreaterThan(0);
      expect(r!.samplesMs.length).toBe(r!.reps);
      expect(r!.medianMs).toBeGreaterThanOrEqual(r!.minMs);
      expect(r!.medianMs).toBeLessThanOrEqual(r!.maxMs);
    }
    expect(report.speed.some((x) => x.backend === 'core' && x.op === 'cross-entropy' && x.n === 1000)).toBe(true);
    const ratio = report.ratios.find((x) => x.backend === 'core' && x.op === 'forward+backward' && x.n === 1000 && x.k === 5);
    expect(ratio?.toCore).toBe(1);
    expect(ratio?.toCrossEntropy).toBeGreaterThan(0);
  });

  it('measures or skips, with a reason, every configuration of every backend it found', () => {
    for (const backend of report.backends.found) {
      const measured = report.speed.filter((r) => r.backend === backend).length;
      const skipped = report.skippedConfigs.filter((s) => s.backend === backend);
      for (const s of skipped) expect(s.reason.length).toBeGreaterThan(0);
      expect(measured + skipped.length, backend).toBeGreaterThan(0);
    }
  });

  it('fills the stability table, where linear-space summation overflows and log space does not', () => {
    const linear = report.stability.cells.filter((c) => c.method === 'logEsp summation-linear float64');
    const logSpace = report.stability.cells.filter((c) => c.method === 'logEsp summation (log space) float64');
    expect(linear.length).toBe(report.settings.taus.length * report.settings.scales.length);
    expect(linear.some((c) => c.nonFiniteShare > 0)).toBe(true);
    expect(logSpace.every((c) => c.nonFiniteShare === 0)).toBe(true);
  });

  it('times every other backend it found against core, head to head at n = 1000, k = 5', () => {
    const others = report.backends.found.filter((b) => b !== 'core');
    const measured = [...report.headToHead!.results.map((h) => h.backend), ...report.headToHead!.skipped.map((s) => s.backend)];
    expect(measured.sort()).toEqual([...others].sort());
    for (const h of report.headToHead!.results) {
      expect([h.n, h.k]).toEqual([1000, 5]);
      expect(h.backendMs.samplesMs.length).toBe(h.rounds * h.block);
      expect(h.coreMs.samplesMs.length).toBe(h.rounds * h.block);
      expect(h.toCore).toBeGreaterThan(0);
    }
    if (report.backends.found.includes('tfjs:wasm')) expect(markdown).toContain('## Head to head with core');
  });

  it("checks core's targets and the backend aims explicitly", () => {
    // Core's five, then per float32 backend: head to head, larger k (10 and 50), and tfjs:wasm's cross-entropy.
    expect(report.targets.length).toBe(12);
    expect(output).toContain('Targets (core and the float32 backends)');
    const ce = report.targets.find((t) => t.target.includes('cross-entropy'));
    expect(ce?.met).not.toBeNull();
    // Core on its threads is timed beside one-threaded core; without PyTorch its aim stays open.
    const threaded = report.targets.find((t) => t.target.includes('core on its threads'));
    expect(threaded?.met).toBeNull();
    expect(threaded?.measured).toMatch(/^core:threads \d/);
  });

  it('prints and records the load of every block, each backend\'s speed grid and head to head among them', () => {
    const loads = report.loads ?? [];
    for (const backend of report.backends.found) {
      expect(loads.filter((l) => l.speedOf?.includes(backend)), backend).toHaveLength(1);
      if (backend !== 'core') expect(loads.some((l) => l.block === `${backend}: head to head`), backend).toBe(true);
    }
    for (const load of loads) {
      expect(load.otherCores).toBeGreaterThanOrEqual(0);
      expect(load.seconds).toBeGreaterThanOrEqual(0);
      expect(output).toContain(`${load.block}: ${load.seconds} s, load average ${load.loadAverage.start} -> ${load.loadAverage.end}`);
    }
    expect(markdown).toContain('### Load during each block');
  });

  it('writes SVG charts and a page that embeds them and quotes the JSON', () => {
    for (const chart of CHARTS) {
      const svg = readFileSync(join(dir, chart), 'utf8');
      expect(svg.startsWith('<svg'), chart).toBe(true);
      expect(markdown).toContain(`](./${chart})`);
    }
    expect(readFileSync(join(dir, 'time-vs-n.svg'), 'utf8')).toContain('core');
    expect(markdown).toContain('](./results.json)');
    const r = report.speed.find((x) => x.backend === 'core' && x.op === 'forward+backward' && x.n === 1000 && x.k === 5)!;
    expect(markdown).toContain(r.medianMs.toFixed(r.medianMs < 10 ? 2 : r.medianMs < 100 ? 1 : 0));
    expect(report.machine.cores).toBeGreaterThan(0);
  });

  it('records how long it ran (the 2-minute goal is checked on the printed figure, not here: timings depend on load)', () => {
    expect(report.durationSeconds).toBeGreaterThan(0);
    expect(report.durationSeconds).toBeLessThanOrEqual(seconds);
    expect(output).toMatch(/Done in \d+ s\./);
  });
});
