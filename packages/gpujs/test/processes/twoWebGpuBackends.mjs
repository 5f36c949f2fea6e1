// Two gpujs:webgpu backends share gpu.js's Dawn device: disposing of the first leaves the second
// computing, disposing of the second lets the process exit. Prints the three loss values as JSON.
import { createGpujsBackend } from '@topk/gpujs';

const request = { scores: new Float32Array([1, 2, 3, 0.5]), shape: [1, 4], labels: [0], k: 2 };
const first = await createGpujsBackend('webgpu');
const second = await createGpujsBackend('webgpu');
const values = [(await first.loss(request)).value, (await second.loss(request)).value];
await first.dispose();
values.push((await second.loss(request)).value);
await second.dispose();
console.log(JSON.stringify({ values }));
