/**
 * The `topk` command line, end to end on the built executable: results against the exact
 * test vectors, stdin and --input, the gradient's shape, -Infinity as null, every kind of bad
 * input (exit 2, one line on stderr naming the argument), unavailable backends (exit 3), help.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadExactVectors, maxAbsDiff, maxRelativeError, type ExactLossCase } from '@topk/conformance';
import { CoreBackend } from '@topk/core';
import { buildCli, json, packageDir, topk } from './run.js';

interface LossOutput {
  backend: string;
  precision: string;
  losses: number[];
  grad?: number[][];
}

const vectors = loadExactVectors();
const dir = mkdtempSync(join(tmpdir(), 'topk-cli-'));

let files = 0;

/** Writes JSON into a fresh temporary file (tests run side by side) and returns its path. */
function inputFile(name: string, value: unknown): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function lossArgs(c: ExactLossCase): string[] {
  return ['loss', '--k', String(c.k), '--tau', String(c.tau), '--alpha', String(c.alpha)];
}

beforeAll(() => {
  buildCli();
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('topk loss', () => {
  // A spread of the exact cases: small and large n, tiny and huge tau and scales, ties.
  const picked = vectors.smooth_topk_svm.filter((c, i) => i % 9 === 0 || (c.tau === 0.001 && c.scale === 10000 && c.n <= 100));

  it.each(picked.map((c) => [`n=${c.n} k=${c.k} tau=${c.tau} alpha=${c.alpha} scale=${c.scale}`, c] as const))(
    'matches the exact smooth losses and gradients (%s)',
    async (_, c) => {
      const file = inputFile('case.json', { scores: c.scores, labels: c.labels });
      const out = await json<LossOutput>(topk([...lossArgs(c), '--grad', '--input', file]));
      expect(out.backend).toBe('core');
      expect(out.precision).toBe('float64');
      expect(maxRelativeError(out.losses, c.smooth)).toBeLessThanOrEqual(1e-10);
      expect(maxAbsDiff(out.grad!.flat(), c.grad.flat())).toBeLessThanOrEqual(1e-9);
      const hard = await json<LossOutput>(topk([...lossArgs(c), '--mode', 'hard', '--input', file]));
      expect(maxRelativeError(hard.losses, c.hard)).toBeLessThanOrEqual(1e-10);
    },
    60_000,
  );

  it('reads stdin when --input is not given, with the same result', async () => {
    const c = vectors.smooth_topk_svm[5];
    const input = { scores: c.scores, labels: c.labels };
    const fromStdin = await topk([...lossArgs(c), '--grad'], JSON.stringify(input));
    const fromFile = await topk([...lossArgs(c), '--grad', '--input', inputFile('same.json', input)]);
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('outputs one gradient row of n entries per sample with --grad, and none without', async () => {
    const input = JSON.stringify({ scores: [[1, 2, 3, 4], [0, 0, 0, 0], [4, -3, 2, 1]], labels: [0, 3, 2] });
    const withGrad = await json<LossOutput>(topk(['loss', '--k', '2', '--grad'], input));
    expect(withGrad.losses).toHaveLength(3);
    expect(withGrad.grad).toHaveLength(3);
    for (const row of withGrad.grad!) {
      expect(row).toHaveLength(4);
      expect(Math.abs(row.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12); // each row sums to 0
    }
    const without = await json<LossOutput>(topk(['loss', '--k', '2'], input));
    expect(without).not.toHaveProperty('grad');
    expect(without.losses).toEqual(withGrad.losses);
  });

  it("passes --mode auto and --backward paper through to the backend", async () => {
    const scores = [[10, 0, 0.5, 0.2, 0.1, 3], [0.3, 0.2, 0.1, 0.4, 0.5, 0.6]];
    const labels = [1, 4];
    const core = new CoreBackend();
    for (const [mode, backward] of [['auto', 'exact'], ['smooth', 'paper']] as const) {
      const out = await json<LossOutput>(topk(['loss', '--k', '2', '--tau', '0.1', '--mode', mode, '--backward', backward, '--grad'], JSON.stringify({ scores, labels })));
      const ref = await core.loss({ scores: Float64Array.from(scores.flat()), shape: [2, 6], labels, k: 2, tau: 0.1, mode, backward, grad: true });
      expect(out.losses).toEqual(Array.from(ref.losses));
      expect(out.grad!.flat()).toEqual(Array.from(ref.grad!));
    }
  });
});

describe.concurrent('topk esp', () => {
  const picked = vectors.log_esp.filter((_, i) => i % 6 === 0);

  it.each(picked.map((c) => [`n=${c.x.length} K=${c.K}`, c] as const))('matches the exact log-ESP (%s)', async (_, c) => {
    const out = await json<{ backend: string; precision: string; log_esp: number[][] }>(topk(['esp', '--K', String(c.K)], JSON.stringify({ x: [c.x] })));
    expect(out.backend).toBe('core');
    expect(out.log_esp).toHaveLength(1);
    expect(maxRelativeError(out.log_esp[0], c.log_esp)).toBeLessThanOrEqual(1e-10);
  });

  it('writes -Infinity (sigma = 0) as null', async () => {
    // exp(-1e308)^2 underflows even in log space: log sigma_2 = -2e308 = -Infinity.
    const out = await json<{ log_esp: (number | null)[][] }>(topk(['esp', '--K', '2'], JSON.stringify({ x: [[-1e308, -1e308], [0, 0]] })));
    expect(out.log_esp[0][0]).toBe(0);
    expect(out.log_esp[0][1]).toBeCloseTo(-1e308, -300);
    expect(out.log_esp[0][2]).toBeNull();
    expect(out.log_esp[1]).toEqual([0, Math.log(2), 0]);
  });

  it('reads --input', async () => {
    const out = await json<{ log_esp: number[][] }>(topk(['esp', '--K', '1', '--input', inputFile('x.json', { x: [[0, 0, 0]] })]));
    expect(out.log_esp[0][1]).toBeCloseTo(Math.log(3), 14);
  });
});

describe.concurrent('bad arguments and input: exit code 2 and one line on stderr naming the argument', () => {
  const good = JSON.stringify({ scores: [[1, 2, 3], [0.5, -1, 2]], labels: [0, 2] });
  const cases: [string, string[], string, string][] = [
    ['missing --k', ['loss'], good, '--k'],
    ['--k 2.5 (not rounded)', ['loss', '--k', '2.5'], good, 'k = 2.5'],
    ['--k not a number', ['loss', '--k', 'two'], good, '--k'],
    ['--k 0', ['loss', '--k', '0'], good, 'k = 0'],
    ['--k n', ['loss', '--k', '3'], good, 'k = 3'],
    ['--tau 0', ['loss', '--k', '1', '--tau', '0'], good, 'tau = 0'],
    ['--tau -1', ['loss', '--k', '1', '--tau', '-1'], good, 'tau = -1'],
    ['--tau NaN', ['loss', '--k', '1', '--tau', 'NaN'], good, 'tau = NaN'],
    ['--tau Infinity', ['loss', '--k', '1', '--tau', 'Infinity'], good, 'tau = Infinity'],
    ['--alpha -0.5', ['loss', '--k', '1', '--alpha', '-0.5'], good, 'alpha = -0.5'],
    ['unknown --mode', ['loss', '--k', '1', '--mode', 'soft'], good, '--mode'],
    ['unknown --backward', ['loss', '--k', '1', '--backward', 'approx'], good, '--backward'],
    ['unknown option', ['loss', '--k', '1', '--kk', '2'], good, '--kk'],
    ['unknown command', ['los', '--k', '1'], good, 'los'],
    ['unknown backend', ['loss', '--k', '1', '--backend', 'torch'], good, '--backend'],
    ['--input file missing', ['loss', '--k', '1', '--input', '/nonexistent/in.json'], '', '--input'],
    ['input not JSON', ['loss', '--k', '1'], '{"scores": [[1, 2', 'input'],
    ['input not an object', ['loss', '--k', '1'], '[[1, 2, 3]]', 'input'],
    ['no input at all', ['loss', '--k', '1'], '', 'input'],
    ['scores missing', ['loss', '--k', '1'], '{"labels": [0]}', 'scores'],
    ['scores not rows', ['loss', '--k', '1'], '{"scores": [1, 2, 3], "labels": [0]}', 'scores[0]'],
    ['ragged rows', ['loss', '--k', '1'], '{"scores": [[1, 2, 3], [1, 2]], "labels": [0, 1]}', 'scores shape'],
    ['a score that is a string', ['loss', '--k', '1'], '{"scores": [[1, "2", 3]], "labels": [0]}', 'scores[0][1]'],
    ['a score that is null', ['loss', '--k', '1'], '{"scores": [[1, 2, null]], "labels": [0]}', 'scores[0][2]'],
    ['a score that overflows to Infinity', ['loss', '--k', '1'], '{"scores": [[1e999, 2, 3]], "labels": [0]}', 'scores[0][0]'],
    ['empty batch', ['loss', '--k', '1'], '{"scores": [], "labels": []}', 'scores'],
    ['one class', ['loss', '--k', '1'], '{"scores": [[1], [2]], "labels": [0, 0]}', 'scores'],
    ['labels missing', ['loss', '--k', '1'], '{"scores": [[1, 2, 3]]}', 'labels'],
    ['label out of range', ['loss', '--k', '1'], '{"scores": [[1, 2, 3]], "labels": [3]}', 'labels[0]'],
    ['negative label', ['loss', '--k', '1'], '{"scores": [[1, 2, 3]], "labels": [-1]}', 'labels[0]'],
    ['non-integer label', ['loss', '--k', '1'], '{"scores": [[1, 2, 3], [1, 2, 3]], "labels": [0, 1.5]}', 'labels[1]'],
    ['label that is a string', ['loss', '--k', '1'], '{"scores": [[1, 2, 3]], "labels": ["0"]}', 'labels[0]'],
    ['fewer labels than rows', ['loss', '--k', '1'], '{"scores": [[1, 2, 3], [1, 2, 3]], "labels": [0]}', 'labels'],
    ['esp: missing --K', ['esp'], '{"x": [[1, 2]]}', '--K'],
    ['esp: K > n', ['esp', '--K', '3'], '{"x": [[1, 2]]}', 'K = 3'],
    ['esp: K < 0', ['esp', '--K', '-1'], '{"x": [[1, 2]]}', 'K = -1'],
    ['esp: non-integer K', ['esp', '--K', '0.5'], '{"x": [[1, 2]]}', 'K = 0.5'],
    ['esp: x missing', ['esp', '--K', '1'], '{"scores": [[1, 2]]}', 'x'],
    ['esp: ragged x', ['esp', '--K', '1'], '{"x": [[1, 2], [3]]}', 'x shape'],
    ['esp: empty x', ['esp', '--K', '0'], '{"x": []}', 'x'],
  ];

  it.each(cases)('%s', async (_, args, stdin, named) => {
    const run = await topk(args, stdin);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^topk: /);
    expect(lines[0]).toContain(named);
  });
});

describe('backends', () => {
  interface Availability {
    name: string;
    available: boolean;
    precision?: string;
    reason?: string;
  }
  let list: Availability[];

  beforeAll(async () => {
    list = await json<Availability[]>(topk(['backends', '--json']));
  }, 120_000);

  it('lists every backend name, core available in float64', () => {
    expect(list.map((b) => b.name)).toEqual([
      'core', 'core:threads',
      'tfjs', 'tfjs:cpu', 'tfjs:wasm', 'tfjs:webgpu', 'tfjs:node', 'tfjs:node-gpu',
      'gpujs', 'gpujs:webgpu', 'gpujs:headlessgl', 'gpujs:webasm', 'gpujs:cpu',
    ]);
    expect(list[0]).toEqual({ name: 'core', available: true, precision: 'float64' });
    expect(list[1]).toEqual({ name: 'core:threads', available: true, precision: 'float64' });
    for (const b of list) if (!b.available) expect(b.reason).toMatch(/\S/);
  });

  it('exits with 3 and one line naming the backend when it cannot run here', async () => {
    const unavailable = list.filter((b) => !b.available);
    // tfjs:node-gpu needs CUDA and a native download: unavailable on the CI machines.
    expect(unavailable.length).toBeGreaterThan(0);
    for (const b of unavailable) {
      const run = await topk(['loss', '--k', '1', '--backend', b.name], '{"scores": [[1, 2, 3]], "labels": [0]}');
      expect(run.code, b.name).toBe(3);
      expect(run.stdout).toBe('');
      const last = run.stderr.trimEnd().split('\n').at(-1)!;
      expect(last).toContain(`backend ${b.name} is unavailable`);
    }
  }, 120_000);

  it('rejects bad input on every backend with one line, before the backend loads', async () => {
    for (const b of list) {
      const run = await topk(['loss', '--backend', b.name, '--k', '2.5'], '{"scores": [[1, 2, 3]], "labels": [0]}');
      expect(run.code, b.name).toBe(2);
      expect(run.stderr.trimEnd().split('\n'), b.name).toEqual(['topk: invalid k = 2.5: must be an integer with 1 <= k <= n - 1 = 2 (option --k)']);
    }
  });

  it('every available backend computes the same losses as core on float32-rounded scores', async () => {
    const scores = [[0.5, -1.25, 2, 0.75, 3.5], [1e3, 999.5, -2e3, 1001, 0], [0, 0, 0, 0, 0]];
    const labels = [0, 3, 2];
    const core = new CoreBackend();
    for (const b of list.filter((entry) => entry.available && entry.name !== 'core')) {
      const out = await json<LossOutput>(topk(['loss', '--backend', b.name, '--k', '2', '--tau', '0.5', '--grad'], JSON.stringify({ scores, labels })));
      // A family's best available reports the variant it chose; core on threads is still core.
      expect(out.backend).toBe(b.name === 'tfjs' || b.name === 'gpujs' ? out.backend : b.name === 'core:threads' ? 'core' : b.name);
      expect(out.precision).toBe(b.precision);
      const rounded = Float64Array.from(scores.flat(), out.precision === 'float32' ? Math.fround : (v) => v);
      const ref = await core.loss({ scores: rounded, shape: [3, 5], labels, k: 2, tau: out.precision === 'float32' ? Math.fround(0.5) : 0.5, grad: true });
      const tol = out.precision === 'float32' ? 1e-5 : 1e-10;
      expect(maxRelativeError(out.losses, ref.losses), b.name).toBeLessThanOrEqual(tol);
      expect(maxAbsDiff(out.grad!.flat(), ref.grad!), b.name).toBeLessThanOrEqual(Math.max(tol, 1e-9));
    }
  }, 240_000);
});

describe.concurrent('help', () => {
  it.each([
    [[], 'Usage: topk [options] [command]'],
    [['loss'], 'Usage: topk loss [options]'],
    [['esp'], 'Usage: topk esp [options]'],
    [['backends'], 'Usage: topk backends [options]'],
  ])('--help %j', async (command, usage) => {
    const run = await topk([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(usage);
    if (command[0] === 'loss') for (const option of ['--k', '--tau', '--alpha', '--mode', '--backward', '--grad', '--input', '--backend']) expect(run.stdout).toContain(option);
    if (command[0] === 'esp') expect(run.stdout).toContain('null stands for -Infinity');
  });

  it('runs as `npx topk` from the repository root (npm links the workspace bin)', () => {
    const root = findRepoRoot(packageDir);
    const run = spawnSync('npx', ['--no-install', 'topk', 'loss', '--k', '1'], {
      cwd: root,
      input: '{"scores": [[0, 0]], "labels": [0]}',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    // Two equal scores, k = 1, alpha = 1, tau = 1: log(1 + e) exactly.
    expect(JSON.parse(run.stdout).losses[0]).toBeCloseTo(Math.log(1 + Math.E), 14);
  }, 60_000);
});
