/** Runs the built `topk` executable in a child process, as a user would. */
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const binPath = join(packageDir, 'bin', 'topk.js');

/** Compiles the CLI so that the tests run the current sources (about 3 s). */
export function buildCli(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')], { stdio: 'inherit' });
}

/** What a run of `topk` left behind. */
export interface Run {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `topk args`, feeding `stdin` (empty by default); asynchronous, so tests can run side by side. */
export function topk(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ args, code, stdout, stderr }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading its input
    child.stdin.end(stdin);
  });
}

/** Parses the JSON that a successful run wrote. */
export async function json<T>(pending: Run | Promise<Run>): Promise<T> {
  const run = await pending;
  if (run.code !== 0) throw new Error(`topk ${run.args.join(' ')} exited with ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
