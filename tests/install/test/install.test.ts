/**
 * The packages as a user gets them: `npm pack` every package, install the tarballs in fresh
 * projects outside the workspace, and use them there.
 *
 * - core + cli alone: a small install, and `npx topk loss` gives the closed-form losses;
 * - @topk/tfjs added to a project that has its own @tensorflow/tfjs 4.21.0 and wasm backend
 *   (not the workspace's 4.22.0, and without the webgpu-node tarball): one tfjs-core in
 *   node_modules, and `npx topk loss --backend tfjs:wasm` answers;
 * - the README examples (root, core, cli, tfjs) run there and print what the READMEs say.
 *
 * npm uses its cache (`--prefer-offline`), so only the first run downloads TF.js.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examples, outputMismatch } from './examples.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PACKAGES = ['core', 'conformance', 'webgpu-node', 'tfjs', 'gpujs', 'cli'] as const;
/** The user's own TF.js: a 4.x other than the workspace's 4.22.0. */
const USER_TFJS = '4.21.0';
const MB = 1e6;

const work = mkdtempSync(join(tmpdir(), 'topk-install-'));
const tarballs = new Map<string, string>();
interface PackedFile {
  path: string;
  size: number;
}
const packed = new Map<string, { filename: string; size: number; unpackedSize: number; files: PackedFile[] }>();

/** The environment of a user's shell: none of the npm_* variables of the `npm test` running us. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  return env;
}

function run(command: string, args: string[], cwd: string, input?: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, input, encoding: 'utf8', env: userEnv(), timeout: 240_000, maxBuffer: 64 * MB });
}

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], cwd);
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`);
  return result;
}

/** A new empty project, outside the workspace. */
function project(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: `topk-install-${name}`, version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  return dir;
}

/** Bytes of the files under a directory (links not followed). */
function sizeOf(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0);
}

/** Every installed copy of a package (its directories), at any depth of node_modules. */
function copiesOf(dir: string, name: string): string[] {
  const found: string[] = [];
  const visit = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      const names = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((sub) => `${entry}/${sub}`) : [entry];
      for (const pkg of names) {
        const path = join(modules, pkg);
        if (pkg === name) found.push(path);
        visit(join(path, 'node_modules'));
      }
    }
  };
  visit(join(dir, 'node_modules'));
  return found;
}

/** The top-level packages of node_modules with their sizes, largest first, for the log. */
function describeInstall(dir: string): string {
  const modules = join(dir, 'node_modules');
  const entries = readdirSync(modules)
    .filter((e) => !e.startsWith('.'))
    .flatMap((e) => (e.startsWith('@') ? readdirSync(join(modules, e)).map((s) => `${e}/${s}`) : [e]))
    .map((name) => [name, sizeOf(join(modules, name))] as const)
    .sort((a, b) => b[1] - a[1]);
  return `${(sizeOf(modules) / MB).toFixed(1)} MB in node_modules: ${entries.map(([n, s]) => `${n} ${(s / MB).toFixed(2)}`).join(', ')}`;
}

/** Runs `npx topk args` in a project, as a user types it. */
function topk(dir: string, args: string[], input: string): SpawnSyncReturns<string> {
  return run('npx', ['--no-install', 'topk', ...args], dir, input);
}

/**
 * The smooth top-k loss for k = 1 in closed form: the log-sum-exp over single classes,
 * tau * log(1 + sum_{j != y} exp((alpha + s_j - s_y) / tau)).
 */
function topOneLoss(scores: number[], label: number, tau: number, alpha: number): number {
  const terms = scores.map((s, j) => (j === label ? 0 : Math.exp((alpha + s - scores[label]) / tau)));
  return tau * Math.log1p(terms.reduce((a, b) => a + b, 0));
}

const BATCH = { scores: [[2, 0.5, -1, 1], [0, 3, 1, 1], [0.25, 0.25, 0.25, 0.25]], labels: [0, 2, 3] };
const TAU = 0.5;
const ALPHA = 1;
const EXPECTED = BATCH.scores.map((row, i) => topOneLoss(row, BATCH.labels[i], TAU, ALPHA));

/** Runs every example of a README in a project; a failure names the README line. */
function runExamples(dir: string, readme: string): { ran: number } {
  const path = join(ROOT, readme);
  const list = examples(readFileSync(path, 'utf8'));
  list.forEach((example, i) => {
    const where = `${readme}:${example.line}`;
    if (example.kind === 'js') {
      const file = join(dir, `example-${readme.replace(/\W+/g, '-')}-${i}.mjs`);
      writeFileSync(file, example.code);
      const result = run(process.execPath, [file], dir);
      expect(result.status, `${where} exited with ${result.status}:\n${result.stderr}`).toBe(0);
      if (example.expected !== null) expect(outputMismatch(result.stdout, example.expected), where).toBeNull();
    } else {
      const result = run('bash', ['-c', `{ ${example.command}\n} 2>&1`], dir);
      expect(outputMismatch(result.stdout, example.expected), `${where}: $ ${example.command}`).toBeNull();
    }
  });
  return { ran: list.length };
}

beforeAll(() => {
  const dest = join(work, 'tarballs');
  mkdirSync(dest);
  const result = run('npm', ['pack', '--json', '--pack-destination', dest, ...PACKAGES.flatMap((p) => ['--workspace', `packages/${p}`])], ROOT);
  if (result.status !== 0) throw new Error(`npm pack failed:\n${result.stderr}`);
  for (const entry of JSON.parse(result.stdout) as { name: string; filename: string; size: number; unpackedSize: number; files: PackedFile[] }[]) {
    packed.set(entry.name, entry);
    tarballs.set(entry.name, join(dest, entry.filename));
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the tarballs', () => {
  it.each(PACKAGES)('@topk/%s ships its README, LICENSE, types and everything its source maps name', (name) => {
    const entry = packed.get(`@topk/${name}`)!;
    expect(entry, `@topk/${name} was not packed`).toBeDefined();
    const files = new Set(entry.files.map((f) => f.path));
    for (const required of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) expect(files, required).toContain(required);
    for (const file of files) {
      if (!file.endsWith('.map')) continue;
      const map = JSON.parse(readFileSync(join(ROOT, 'packages', name, file), 'utf8')) as { sources: string[] };
      for (const source of map.sources) expect(files, `${file} names ${source}`).toContain(posix.join(posix.dirname(file), source));
    }
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Record<string, any>;
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/topk-js/topk.git', directory: `packages/${name}` });
    expect(manifest.engines).toEqual({ node: '>=20.19' });
    expect(Object.keys(manifest.exports['.'])[0]).toBe('types');
    expect(typeof manifest.sideEffects).toBe('boolean');
    console.log(`@topk/${name}: tarball ${(entry.size / 1e3).toFixed(0)} kB, unpacked ${(entry.unpackedSize / 1e3).toFixed(0)} kB, ${entry.files.length} files`);
  });
});

describe('a project with @topk/core and @topk/cli', () => {
  let dir: string;

  beforeAll(() => {
    dir = project('core-cli');
    npm(['install', tarballs.get('@topk/core')!, tarballs.get('@topk/cli')!], dir);
  });

  it('installs in well under 20 MB, with no framework package', () => {
    console.log(`core + cli: ${describeInstall(dir)}`);
    expect(sizeOf(join(dir, 'node_modules'))).toBeLessThan(5 * MB);
    for (const heavy of ['@tensorflow/tfjs-core', 'gpu.js', 'gl', 'webgpu', '@topk/tfjs', '@topk/gpujs']) expect(copiesOf(dir, heavy), heavy).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'node_modules', '@topk', 'core', 'package.json'), 'utf8')).dependencies ?? {}).toEqual({});
  });

  it('npx topk loss gives the closed-form losses', () => {
    const result = topk(dir, ['loss', '--k', '1', '--tau', String(TAU), '--alpha', String(ALPHA)], JSON.stringify(BATCH));
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { backend: string; precision: string; losses: number[] };
    expect(out.backend).toBe('core');
    out.losses.forEach((loss, i) => expect(Math.abs(loss - EXPECTED[i]) / Math.max(1, EXPECTED[i]), `sample ${i}`).toBeLessThanOrEqual(1e-12));
  });

  it('npx topk loss --backend tfjs:wasm exits with 3 and names what to install', () => {
    const result = topk(dir, ['loss', '--backend', 'tfjs:wasm', '--k', '1'], JSON.stringify(BATCH));
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('backend tfjs:wasm is unavailable: cannot load @topk/tfjs');
    expect(result.stderr).toContain('install it with `npm install @topk/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm`');
  });
});

describe(`a project with its own @tensorflow/tfjs ${USER_TFJS}, adding @topk/tfjs`, () => {
  let dir: string;

  beforeAll(() => {
    dir = project('tfjs');
    npm(['install', `@tensorflow/tfjs@${USER_TFJS}`, `@tensorflow/tfjs-backend-wasm@${USER_TFJS}`], dir);
    npm(['install', ...['@topk/core', '@topk/cli', '@topk/tfjs'].map((name) => tarballs.get(name)!)], dir);
  });

  it(`keeps exactly one @tensorflow/tfjs-core, the user's ${USER_TFJS}, and no WebGPU or GL package`, () => {
    console.log(`tfjs ${USER_TFJS} + core + cli + tfjs: ${describeInstall(dir)}`);
    const copies = copiesOf(dir, '@tensorflow/tfjs-core');
    expect(copies.map((path) => relative(dir, path))).toEqual([join('node_modules', '@tensorflow', 'tfjs-core')]);
    expect(JSON.parse(readFileSync(join(copies[0], 'package.json'), 'utf8')).version).toBe(USER_TFJS);
    const ls = run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--parseable'], dir);
    expect(new Set(ls.stdout.trim().split('\n')).size, ls.stdout).toBe(1);
    for (const absent of ['@topk/webgpu-node', 'webgpu', 'gl', 'gpu.js']) expect(copiesOf(dir, absent), absent).toEqual([]);
  });

  it('npx topk loss --backend tfjs:wasm answers, in float32 within 1e-5 of the closed form', () => {
    const result = topk(dir, ['loss', '--backend', 'tfjs:wasm', '--k', '1', '--tau', String(TAU), '--alpha', String(ALPHA)], JSON.stringify(BATCH));
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { backend: string; precision: string; losses: number[] };
    expect([out.backend, out.precision]).toEqual(['tfjs:wasm', 'float32']);
    out.losses.forEach((loss, i) => expect(Math.abs(loss - EXPECTED[i]) / Math.max(1, EXPECTED[i]), `sample ${i}`).toBeLessThanOrEqual(1e-5));
  });

  it.each(['README.md', 'packages/core/README.md', 'packages/cli/README.md', 'packages/tfjs/README.md'])('the examples of %s run and print what it says', (readme) => {
    const { ran } = runExamples(dir, readme);
    console.log(`${readme}: ${ran} examples ran`);
  });
});
