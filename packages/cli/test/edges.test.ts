/**
 * The edges of the `topk` executable: numbers in options are parsed strictly, input has a size
 * limit and stops being read there, a UTF-8 byte order mark is accepted, and a value a float32
 * backend cannot hold is reported as the user wrote it.
 */
import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { binPath, buildCli, json, topk, type Run } from './run.js';

const MiB = 1024 * 1024;
const LIMIT = 256 * MiB;
const dir = mkdtempSync(join(tmpdir(), 'topk-cli-edges-'));
const good = JSON.stringify({ scores: [[1, 2, 3], [0.5, -1, 2]], labels: [0, 2] });

beforeAll(() => {
  buildCli();
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The losses core gives for `good` with these options, computed through the library. */
async function coreLosses(options: { k: number; tau?: number; alpha?: number }): Promise<number[]> {
  const result = await new CoreBackend().loss({ scores: Float64Array.from([1, 2, 3, 0.5, -1, 2]), shape: [2, 3], labels: [0, 2], ...options });
  return Array.from(result.losses);
}

describe.concurrent('numbers in options: decimal or exponent notation only', () => {
  it.each([
    ['--k', '0x2'],
    ['--k', ' 2'],
    ['--k', '2 '],
    ['--k', '2abc'],
    ['--k', ''],
    ['--k', '0b10'],
    ['--k', '1_0'],
    ['--tau', '1e'],
    ['--tau', '.'],
    ['--alpha', '--1'],
    ['--alpha', 'infinity'],
  ])('%s %j is rejected with exit 2, naming the option and the value', async (option, value) => {
    const args = option === '--k' ? ['loss', '--k', value] : ['loss', '--k', '1', option, value];
    const run = await topk(args, good);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`option '${option} <`);
    expect(lines[0]).toContain(`argument '${value}' is invalid`);
    expect(lines[0]).toContain('decimal or exponent notation');
  });

  it('esp --K 0x1 is rejected the same way', async () => {
    const run = await topk(['esp', '--K', '0x1'], '{"x": [[1, 2]]}');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--K <K>' argument '0x1' is invalid");
  });

  it.each([
    [['--k', '2e0'], { k: 2 }],
    [['--k', '+2', '--tau', '.5'], { k: 2, tau: 0.5 }],
    [['--k', '1', '--tau', '5E-1', '--alpha', '0.25e+1'], { k: 1, tau: 0.5, alpha: 2.5 }],
    [['--k', '1.', '--alpha', '-0'], { k: 1, alpha: 0 }],
  ] as const)('%j is read as the number it writes', async (args, options) => {
    const out = await json<{ losses: number[] }>(topk(['loss', ...args], good));
    expect(out.losses).toEqual(await coreLosses(options));
  });
});

describe.concurrent('a leading UTF-8 byte order mark', () => {
  it('is accepted on stdin', async () => {
    const withBom = await json<{ losses: number[] }>(topk(['loss', '--k', '2'], `\uFEFF${good}`));
    expect(withBom.losses).toEqual(await coreLosses({ k: 2 }));
  });

  it('is accepted in an --input file', async () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(good)]));
    const withBom = await json<{ losses: number[] }>(topk(['loss', '--k', '2', '--input', file]));
    expect(withBom.losses).toEqual(await coreLosses({ k: 2 }));
  });

  it('is only dropped at the start: one inside the JSON is still invalid', async () => {
    const run = await topk(['loss', '--k', '2'], `{"scores": \uFEFF[[1, 2, 3]], "labels": [0]}`);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not valid JSON');
  });
});

describe('input larger than 256 MiB', () => {
  it('on stdin: exit 2 with the limit, reading stops at the limit', async () => {
    // Feed an endless stream of spaces (valid JSON whitespace) until the CLI stops reading.
    const child = spawn(process.execPath, [binPath, 'loss', '--k', '1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const block = Buffer.alloc(MiB, 0x20);
    let written = 0;
    let open = true;
    child.stdin.on('error', () => (open = false));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.on('exit', () => (open = false));
    while (open && written < 4 * LIMIT) {
      const more = child.stdin.write(block);
      written += block.length;
      if (!more) await new Promise<void>((resolve) => { child.stdin.once('drain', resolve); child.once('exit', () => resolve()); });
    }
    const code = await exited;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      `topk: invalid input: too large: stdin has more than ${LIMIT} bytes; the limit is 256 MiB (${LIMIT} bytes) (split the batch into several runs)`,
    ]);
    // It stopped reading at the limit: far less than the 1 GiB this test was ready to send.
    expect(written).toBeLessThan(LIMIT + 64 * MiB);
  }, 120_000);

  it('in an --input file: exit 2 with the limit, without reading it', async () => {
    const file = join(dir, 'huge.json');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, LIMIT + 1); // sparse: takes no disk space
    closeSync(fd);
    const run: Run = await topk(['loss', '--k', '1', '--input', file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `topk: invalid --input: too large: --input ${JSON.stringify(file)} has ${LIMIT + 1} bytes; the limit is 256 MiB (${LIMIT} bytes) (split the batch into several runs)`,
    ]);
  });

  it('exactly at the limit is read (and then judged as JSON)', async () => {
    const file = join(dir, 'at-limit.json');
    const body = Buffer.alloc(LIMIT, 0x20);
    Buffer.from(good).copy(body);
    writeFileSync(file, body);
    const out = await json<{ losses: number[] }>(topk(['loss', '--k', '2', '--input', file]));
    expect(out.losses).toEqual(await coreLosses({ k: 2 }));
  }, 120_000);
});

describe('values a float32 backend cannot hold', () => {
  it.for(['tfjs:wasm', 'gpujs:webasm'])('%s: a score or log-ESP input of 1e39 is reported as given (exit 2), not as Infinity', { timeout: 120_000 }, async (backend, context) => {
    const run = await topk(['loss', '--backend', backend, '--k', '1'], '{"scores": [[1e39, 0, 1]], "labels": [0]}');
    if (run.code === 3) context.skip(`${backend} cannot run here: ${run.stderr.trim().split('\n').at(-1)}`);
    expect(run.code, run.stderr).toBe(2);
    const last = run.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^topk: /);
    expect(last).toMatch(/\b1e\+?39\b/);
    expect(last).not.toContain('Infinity');
    const esp = await topk(['esp', '--backend', backend, '--K', '2'], '{"x": [[1e39, 0, 1]]}');
    expect(esp.code, esp.stderr).toBe(2);
    expect(esp.stderr.trimEnd().split('\n').at(-1)).toMatch(/x\[0\]\[0\] = 1e\+?39\b/);
  });

  it('core (float64) computes with 1e39: the loss is 0 for a label that far ahead', async () => {
    const out = await json<{ losses: number[] }>(topk(['loss', '--k', '1'], '{"scores": [[1e39, 0, 1]], "labels": [0]}'));
    expect(out.losses).toEqual([0]);
  });
});
