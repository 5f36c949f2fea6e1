/**
 * Running the benchmark leaves the committed docs alone: by default a run writes into
 * benchmarks/results/<profile>/, and only --write-docs targets docs/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outputPaths } from '../src/outputPaths.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('where a run writes', () => {
  it('by default: benchmarks/results/<profile>/, with the page beside the JSON', () => {
    expect(outputPaths('/repo', {}, 'quick')).toEqual({ outDir: '/repo/benchmarks/results/quick', markdown: '/repo/benchmarks/results/quick/benchmarks.md' });
  });

  it('with --write-docs: the committed docs/benchmarks.md and docs/benchmarks/', () => {
    expect(outputPaths('/repo', { writeDocs: true }, 'default')).toEqual({ outDir: '/repo/docs/benchmarks', markdown: '/repo/docs/benchmarks.md' });
  });

  it('explicit --out-dir, --markdown and --no-markdown win', () => {
    expect(outputPaths('/repo', { outDir: '/tmp/o', writeDocs: true }, 'quick')).toEqual({ outDir: '/tmp/o', markdown: '/repo/docs/benchmarks.md' });
    expect(outputPaths('/repo', { outDir: '/tmp/o' }, 'quick')).toEqual({ outDir: '/tmp/o', markdown: '/tmp/o/benchmarks.md' });
    expect(outputPaths('/repo', { markdown: '/tmp/page.md' }, 'quick')).toEqual({ outDir: '/repo/benchmarks/results/quick', markdown: '/tmp/page.md' });
    expect(outputPaths('/repo', { markdown: false, writeDocs: true }, 'quick')).toEqual({ outDir: '/repo/docs/benchmarks', markdown: false });
  });

  it('the built command writes a saved run into benchmarks/results/<profile>/ and leaves docs/ untouched', () => {
    const profile = `test-${process.pid}-${Date.now()}`;
    const saved = JSON.parse(readFileSync(join(ROOT, 'docs', 'benchmarks', 'results.json'), 'utf8')) as { profile: string };
    const inputDir = mkdtempSync(join(tmpdir(), 'topk-bench-out-'));
    const input = join(inputDir, 'results.json');
    writeFileSync(input, JSON.stringify({ ...saved, profile }));
    const docs = [join(ROOT, 'docs', 'benchmarks.md'), join(ROOT, 'docs', 'benchmarks', 'time-vs-n.svg')];
    const before = docs.map((path) => statSync(path).mtimeMs);
    const outDir = join(ROOT, 'benchmarks', 'results', profile);
    try {
      const run = spawnSync(process.execPath, [MAIN, '--from-json', input], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(join(outDir, 'benchmarks.md'), 'utf8')).toContain('# Benchmarks');
      expect(existsSync(join(outDir, 'time-vs-n.svg'))).toBe(true);
      expect(docs.map((path) => statSync(path).mtimeMs)).toEqual(before);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
      rmSync(inputDir, { recursive: true, force: true });
    }
  }, 60_000);
});
