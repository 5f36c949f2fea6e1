// One loss on a gpujs mode, then dispose; the process must then exit by itself.
// Usage: node oneLossThenDispose.mjs <mode>. Prints the loss value as JSON.
import { createGpujsBackend } from '@topk/gpujs';

const backend = await createGpujsBackend(process.argv[2]);
const result = await backend.loss({ scores: new Float32Array([1, 2, 3, 0.5]), shape: [1, 4], labels: [0], k: 2, grad: true });
await backend.dispose();
let afterDispose = 'no error';
try {
  await backend.loss({ scores: new Float32Array([1, 2, 3, 0.5]), shape: [1, 4], labels: [0], k: 2 });
} catch (error) {
  afterDispose = error.name;
}
console.log(JSON.stringify({ value: result.value, afterDispose }));
