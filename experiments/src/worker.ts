/**
 * A worker process of the runner: loads the cached data set once, then trains the runs the
 * parent sends (`{ spec, file }`), writes each outcome to its file and answers `{ done: file }`.
 * One TF.js backend per process, single-threaded, so two workers use two cores.
 */
import { rename, writeFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { loadTfjsBackend, type TfjsBackendName } from '@topk/tfjs';
import { loadDataset } from './dataset.js';
import { PROFILES, type Profile } from './profiles.js';
import { trainRun, type RunSpec } from './train.js';
import type { RunRecord } from './runner.js';

/** Messages from the parent. */
export type WorkerRequest = { readonly spec: RunSpec; readonly file: string } | { readonly stop: true };

/** Messages to the parent. */
export type WorkerReply = { readonly ready: true } | { readonly done: string } | { readonly error: string; readonly file?: string };

async function main(): Promise<void> {
  const [profileName, backend, cacheDir] = process.argv.slice(2) as [Profile['name'], TfjsBackendName, string];
  const profile = PROFILES[profileName];
  const send = (reply: WorkerReply) => process.send!(reply);
  // Loading initialises the backend; making it the active one is the caller's choice.
  const loaded = await loadTfjsBackend(backend);
  if (!(await tf.setBackend(loaded.tfName))) throw new Error(`TF.js could not switch to backend ${loaded.tfName}`);
  const data = await loadDataset(profile.dataset, cacheDir);
  let queue = Promise.resolve();
  process.on('message', (request: WorkerRequest) => {
    if ('stop' in request) {
      process.disconnect();
      return;
    }
    queue = queue.then(async () => {
      try {
        const outcome = trainRun(data, request.spec, profile.train);
        const record: RunRecord = { spec: request.spec, backend, ...outcome };
        // Written whole, then renamed: a file that exists is a finished run.
        await writeFile(`${request.file}.tmp`, `${JSON.stringify(record)}\n`);
        await rename(`${request.file}.tmp`, request.file);
        send({ done: request.file });
      } catch (error) {
        send({ error: String(error instanceof Error ? error.stack : error), file: request.file });
      }
    });
  });
  send({ ready: true });
}

main().catch((error: unknown) => {
  process.send?.({ error: String(error instanceof Error ? error.stack : error) } satisfies WorkerReply);
  process.exitCode = 1;
});
