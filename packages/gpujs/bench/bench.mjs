// Forward+backward timings of each gpu.js mode beside core's topkSvmLoss, printing the device
// each mode ran on. Usage (after `npm run build -w @topk/gpujs`):
//   EGL_PLATFORM=surfaceless xvfb-run -a node bench/bench.mjs [n=1000] [k=5] [batch=256] [modes=webasm,webgpu,cpu | headlessgl]
import { topkSvmLoss } from '@topk/core';
import { createGpujsBackend } from '../dist/index.js';

const [n = 1000, k = 5, batch = 256] = process.argv.slice(2, 5).map(Number);
// Default: no headlessgl, which cannot share a process with Dawn (see docs/gpujs.md); run it on its own.
const modes = (process.argv[5] ?? 'webasm,webgpu,cpu').split(',');
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
const scores = new Float32Array(batch * n).map(() => Math.fround((random() + random() + random() - 1.5) * 4));
const labels = Array.from({ length: batch }, () => Math.floor(random() * n));
const request = { scores, shape: [batch, n], labels, k, tau: 1, grad: true, reduction: 'mean' };

async function median(run, repeats) {
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

console.log(`forward+backward, n = ${n}, k = ${k}, batch = ${batch}, float32 scores; median of repeats after one warm-up call`);
await median(() => topkSvmLoss(request), 2);
const coreMs = await median(() => topkSvmLoss(request), 9);
console.log(`core (float64)            ${coreMs.toFixed(1).padStart(9)} ms`);
for (const mode of modes) {
  let backend;
  try {
    backend = await createGpujsBackend(mode);
  } catch (error) {
    console.log(`gpujs:${mode.padEnd(18)} unavailable: ${error.message}`);
    continue;
  }
  const t0 = performance.now();
  await backend.loss(request);
  const firstMs = performance.now() - t0;
  const ms = await median(() => backend.loss(request), mode === 'cpu' || mode === 'headlessgl' ? 3 : 9);
  console.log(`${backend.name.padEnd(25)} ${ms.toFixed(1).padStart(9)} ms  (${(ms / coreMs).toFixed(1)}x core; first call with compilation ${firstMs.toFixed(0)} ms)  ${backend.device.description}`);
  backend.dispose();
}
