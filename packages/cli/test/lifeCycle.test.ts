/**
 * After dispose(), nothing keeps Node alive: a script that runs one loss on each WebGPU backend
 * (tfjs:webgpu, gpujs:webgpu) and disposes it ends by itself, and so does `topk` on them, without
 * its safety net. Dawn keeps a process alive while a GPUDevice exists, so this fails if a
 * backend's dispose() leaves its device undestroyed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { binPath, buildCli } from './run.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/webgpuLifeCycle.mjs', import.meta.url));
/** How long a process may take to end once its work is done and printed. */
const EXIT_WITHIN_MS = 15_000;
const LOG_1_PLUS_E = Math.log(1 + Math.E);

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Whether it ended by itself within EXIT_WITHIN_MS after printing `doneMarker`. */
  endedByItself: boolean;
}

/** Runs a Node process and kills it if it is still alive EXIT_WITHIN_MS after printing `doneMarker`. */
function runUntilDone(args: string[], stdin: string, doneMarker: RegExp): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: 240_000 });
    let stdout = '';
    let stderr = '';
    let killer: NodeJS.Timeout | undefined;
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (killer === undefined && doneMarker.test(stdout)) {
        killer = setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, EXIT_WITHIN_MS);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, endedByItself: killer !== undefined && !killed });
    });
    child.stdin.end(stdin);
  });
}

beforeAll(() => {
  buildCli();
}, 120_000);

describe('life cycle: nothing keeps Node alive after dispose()', () => {
  it('a script that runs one loss on tfjs:webgpu and gpujs:webgpu and disposes them ends by itself', async (context) => {
    const run = await runUntilDone([SCRIPT], '', /^done$/m);
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { backend: string; loss?: number; unavailable?: string });
    expect(lines.map((l) => l.backend), run.stderr).toEqual(['tfjs:webgpu', 'gpujs:webgpu']);
    const ran = lines.filter((l) => l.loss !== undefined);
    for (const l of ran) expect(Math.abs(l.loss! - LOG_1_PLUS_E), l.backend).toBeLessThan(1e-6);
    if (ran.length === 0) context.skip(`no WebGPU backend runs here: ${lines.map((l) => `${l.backend}: ${l.unavailable}`).join('; ')}`);
    expect(run.endedByItself, `still alive ${EXIT_WITHIN_MS / 1000} s after disposing ${ran.map((l) => l.backend).join(' and ')}`).toBe(true);
    expect(run.code).toBe(0);
  }, 300_000);

  it.for(['tfjs:webgpu', 'gpujs:webgpu'])('topk loss --backend %s ends by itself, without its safety net', { timeout: 300_000 }, async (backend, context) => {
    const run = await runUntilDone([binPath, 'loss', '--backend', backend, '--k', '1'], '{"scores": [[0, 0]], "labels": [0]}', /\}\n/);
    if (run.code === 3) context.skip(`${backend} cannot run here: ${run.stderr.trim().split('\n').at(-1)}`);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { losses: number[] }).losses[0]).toBeCloseTo(LOG_1_PLUS_E, 6);
    expect(run.stderr).not.toContain('kept the process alive');
    expect(run.endedByItself).toBe(true);
  });
});
