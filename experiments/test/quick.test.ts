import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRuns, PROFILES } from '../src/profiles.js';
import type { RunRecord } from '../src/runner.js';

// End to end: `experiment:noise --quick` (the built CLI, as CI runs it) into a temporary folder.
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const run = (args: string[]) => promisify(execFile)(process.execPath, [cli, '--quick', ...args]);
let dir: string;
let runs: RunRecord[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'topk-experiment-'));
  await run(['--out-dir', dir]);
  runs = JSON.parse(await readFile(join(dir, 'runs.json'), 'utf8')) as RunRecord[];
}, 280_000);

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('experiment:noise --quick', () => {
  const profile = PROFILES.quick;

  it('stores every planned run, each with its checkpoint at the first epoch of best validation top-5', () => {
    expect(runs).toHaveLength(planRuns(profile).length);
    for (const record of runs) {
      expect(record.epochs).toHaveLength(profile.train.epochs);
      const top5 = record.epochs.map((e) => e.val.top5);
      expect(record.bestEpoch).toBe(top5.indexOf(Math.max(...top5)) + 1);
      expect(top5.slice(0, record.bestEpoch - 1).every((v) => v < top5[record.bestEpoch - 1])).toBe(true);
      expect(record.best.top5).toBeGreaterThanOrEqual(record.best.top1);
      expect(record.last.top5).toBeGreaterThanOrEqual(record.last.top1);
      for (const e of record.epochs) expect(e.val.top5).toBeGreaterThanOrEqual(e.val.top1);
      if (record.spec.noise === 0) expect(record.changedLabels).toBe(0);
      else expect(Math.abs(record.changedLabels - 0.8 * record.spec.noise)).toBeLessThan(0.05);
    }
  });

  it('learns something with every loss (better than chance, 5 % top-5, at the checkpoint)', () => {
    for (const record of runs) if (record.spec.noise === 0 && record.spec.fraction === 1) expect(record.best.top5).toBeGreaterThan(0.05);
  });

  it('writes the report: tables for each reading and the SVG charts', async () => {
    const report = await readFile(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('### Label noise: noise within blocks of 5 consecutive class ids');
    expect(report).toContain('### Training-set size (clean labels)');
    expect(report).toMatch(/\| 0\.6 \| \d+\.\d \|/);
    for (const chart of ['glyphs-quick-noise-blocks.svg', 'glyphs-quick-curves-blocks.svg', 'glyphs-quick-data-size.svg']) {
      expect(await readFile(join(dir, chart), 'utf8')).toMatch(/^<svg[\s\S]*<path d="M[\s\S]*<\/svg>\n$/);
    }
  });

  it('resumes: a second invocation finds every run stored and trains nothing', async () => {
    const file = join(dir, 'runs', `${'blocks-p0-f1-CE-s1'}.json`);
    const before = (await stat(file)).mtimeMs;
    const { stdout } = await run(['--out-dir', dir]);
    expect(stdout).not.toMatch(/\[\d+\/\d+\]/);
    expect((await stat(file)).mtimeMs).toBe(before);
  }, 120_000);
});
