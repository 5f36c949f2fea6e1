// Creates gpujs backends of the given modes in order in one process and runs one loss on each
// right after creating it (or, with `--create-first`, creates all of them before any loss).
// Prints one JSON line per mode: the loss value or the error's name and message. Errors that
// escape a promise are reported as such and end the process with status 3.
import { createGpujsBackend } from '@topk/gpujs';

process.on('uncaughtException', (error) => {
  console.log(JSON.stringify({ escaped: 'uncaughtException', message: String(error?.message ?? error) }));
  process.exit(3);
});
process.on('unhandledRejection', (error) => {
  console.log(JSON.stringify({ escaped: 'unhandledRejection', message: String(error?.message ?? error) }));
  process.exit(3);
});

const createFirst = process.argv.includes('--create-first');
const modes = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const request = { scores: new Float32Array([1, 2, 3, 0.5]), shape: [1, 4], labels: [0], k: 2, grad: true };
const backends = [];
const report = (mode, run) =>
  run.then(
    (value) => console.log(JSON.stringify({ mode, value })),
    (error) => console.log(JSON.stringify({ mode, error: error.name, message: error.message })),
  );
if (createFirst) {
  for (const mode of modes) await report(mode, createGpujsBackend(mode).then((b) => (backends.push(b), 'created')));
  for (const backend of backends) await report(backend.mode, backend.loss(request).then((r) => r.value));
} else {
  for (const mode of modes) {
    await report(mode, createGpujsBackend(mode).then(async (b) => (backends.push(b), (await b.loss(request)).value)));
  }
}
// Let anything gpu.js left running surface before leaving.
await new Promise((resolve) => setTimeout(resolve, 500));
for (const backend of backends) await backend.dispose();
process.exit(0);
