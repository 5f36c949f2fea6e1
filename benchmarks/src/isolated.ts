/**
 * Backends that must run in a process of their own, each in a child process of the benchmark
 * (under `xvfb-run -a` when there is no display) whose figures are merged:
 * - gpu.js's headless GL (GLX under Xvfb) and Dawn's WebGPU (EGL) cannot share one process
 *   here: with Dawn first, the first GL call dies of an X error (BadAccess on
 *   X_GLXMakeCurrent) that kills the process; with GL first, Dawn finds no adapter.
 * - Once Dawn has created a device, its Node binding polls for events with `setImmediate` for
 *   as long as the device lives (its `lost` promise keeps a task pending):
 *   measured here, more than one core busy while the process is idle. In the
 *   benchmark's own process that would slow every backend measured after discovery.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlgorithmResult, AlgorithmSkip } from './algorithms.js';
import type { HeadToHeadResult, HeadToHeadSkip } from './headToHead.js';
import type { SkippedBackend } from './backends.js';
import type { BlockLoad } from './load.js';
import type { MachineDescription } from './report.js';
import type { SkippedConfig, SpeedResult } from './speed.js';
import type { StabilityCell, StabilitySkip } from './stability.js';

/** Backends run in a separate process, and why. */
export const ISOLATED_BACKENDS: Record<string, string> = {
  'gpujs:headlessgl': 'headless GL (GLX) and Dawn (EGL) cannot share a process',
  'tfjs:webgpu': "a Dawn device busy-polls a core while it lives, which would slow the other backends",
  'gpujs:webgpu': "a Dawn device busy-polls a core while it lives, which would slow the other backends",
};

/** What a child process measured: the parts of a report that belong to its backends. */
export interface PartialRun {
  found: string[];
  skipped: SkippedBackend[];
  adapters: MachineDescription['adapters'];
  speed: SpeedResult[];
  skippedConfigs: SkippedConfig[];
  headToHead: { results: HeadToHeadResult[]; skipped: HeadToHeadSkip[] };
  algorithms: { results: AlgorithmResult[]; skipped: AlgorithmSkip[] };
  stability: { cells: StabilityCell[]; skipped: StabilitySkip[] };
  loads: BlockLoad[];
}

/** Messages a child writes to its standard output, one JSON object a line. */
export type ChildMessage = { log: string } | { total: number } | { tick: string };

/** Sends one message to the parent. */
export function sendToParent(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/**
 * Runs `main.js` for one backend in a child process with the same profile options; reports its
 * discovery lines, its step count and its progress through the callbacks; returns its figures.
 */
export async function runIsolated(
  mainScript: string,
  backend: string,
  profileArgs: string[],
  callbacks: { log: (line: string) => void; total: (steps: number) => void; tick: (label: string) => void },
): Promise<PartialRun> {
  const dir = await mkdtemp(join(tmpdir(), 'topk-bench-child-'));
  const out = join(dir, 'partial.json');
  const args = [mainScript, ...profileArgs, '--child', backend, '--child-out', out];
  const xvfb = '/usr/bin/xvfb-run';
  const [exe, argv] = !process.env.DISPLAY && existsSync(xvfb) ? [xvfb, ['-a', process.execPath, ...args]] : [process.execPath, args];
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(exe, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
      let buffered = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            const message = JSON.parse(line) as Partial<{ log: string; total: number; tick: string }>;
            if (message.log !== undefined) callbacks.log(message.log);
            else if (message.total !== undefined) callbacks.total(message.total);
            else if (message.tick !== undefined) callbacks.tick(message.tick);
          } catch {
            // Libraries' own console output: not a message.
          }
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exited with ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`))));
    });
    return JSON.parse(await readFile(out, 'utf8')) as PartialRun;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
