/**
 * Runs a profile: the data set is drawn (or read from the cache) once, then every run not yet
 * in `<outDir>/runs/` is handed to a pool of worker processes. A finished run is a file, so an
 * interrupted experiment resumes with the runs it had not finished.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from './dataset.js';
import { planRuns, runKey, type Profile } from './profiles.js';
import type { RunOutcome, RunSpec } from './train.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/** One finished run as stored. */
export interface RunRecord extends RunOutcome {
  readonly spec: RunSpec;
  readonly backend: string;
}

/** How to run a profile. */
export interface RunnerOptions {
  readonly outDir: string;
  readonly cacheDir: string;
  readonly backend: 'wasm' | 'cpu';
  readonly workers: number;
  /** Called when a run finishes, with the number finished and the number in the plan. */
  readonly onRun?: (finished: number, total: number, key: string) => void;
}

/** The file of a run. */
export function runFile(outDir: string, spec: RunSpec): string {
  return join(outDir, 'runs', `${runKey(spec)}.json`);
}

/** Trains every run of the profile not yet stored; resolves when all are stored. */
export async function runProfile(profile: Profile, options: RunnerOptions): Promise<void> {
  await mkdir(join(options.outDir, 'runs'), { recursive: true });
  // Draw the data once here, so that the workers only read the cache.
  await loadDataset(profile.dataset, options.cacheDir);
  const plan = planRuns(profile);
  const pending = plan.filter((spec) => !existsSync(runFile(options.outDir, spec)));
  let finished = plan.length - pending.length;
  const workerScript = fileURLToPath(new URL('./worker.js', import.meta.url));
  const count = Math.max(1, Math.min(options.workers, pending.length));
  const errors: string[] = [];
  await Promise.all(
    Array.from({ length: pending.length === 0 ? 0 : count }, () =>
      new Promise<void>((resolve, reject) => {
        const child = fork(workerScript, [profile.name, options.backend, options.cacheDir], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        const next = () => {
          const spec = pending.shift();
          const request: WorkerRequest = spec === undefined ? { stop: true } : { spec, file: runFile(options.outDir, spec) };
          child.send(request);
        };
        child.on('message', (reply: WorkerReply) => {
          if ('error' in reply) errors.push(reply.error);
          if ('done' in reply) options.onRun?.(++finished, plan.length, reply.done);
          if ('error' in reply && reply.file === undefined) return;
          next();
        });
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 || code === null ? resolve() : reject(new Error(`worker exited with ${code}: ${errors.join('\n')}`))));
      }),
    ),
  );
  if (errors.length > 0) throw new Error(`${errors.length} run(s) failed:\n${errors.join('\n')}`);
}

/** Every stored run of the profile's plan (missing ones are left out). */
export async function readRuns(profile: Profile, outDir: string): Promise<RunRecord[]> {
  const stored = new Set(await readdir(join(outDir, 'runs')).catch(() => [] as string[]));
  const records: RunRecord[] = [];
  for (const spec of planRuns(profile)) {
    const name = `${runKey(spec)}.json`;
    if (stored.has(name)) records.push(JSON.parse(await readFile(join(outDir, 'runs', name), 'utf8')) as RunRecord);
  }
  return records;
}
