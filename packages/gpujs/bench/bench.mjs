// Forward+backward timings of each gpu.js mode beside core's topkSvmLoss, printing the device
// each mode ran on. Usage (after `npm run build -w @topk/gpujs`):
//   EGL_PLATFORM=surfaceless xvfb-run -a node bench/bench.mjs [n=1000] [k=5] [batch=256] [modes=webasm,webgpu,cpu | headlessgl] [repeats=9]
// Core and the backend are timed alternately (core, backend, core, backend, ...), so that a
// machine whose load changes during the run slows both alike; the ratio is of the two medians.
import { topkSvmLoss } from '@topk/core';
import { createGpujsBackend } from '../dist/index.js';

const [n = 1000, k = 5, batch = 256] = process.argv.slice(2, 5).map(Number);
// Default: no headlessgl, which cannot share a process with Dawn (see docs/gpujs.md); run it on its own.
const modes = (process.argv[5] ?? 'webasm,webgpu,cpu').split(',');
const repeats = Number(process.argv[6] ?? 9);
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
const scores = new Float32Array(batch * n).map(() => Math.fround((random() + random() + random() - 1.5) * 4));
const labels = Array.from({ length: batch }, () => Math.floor(random() * n));
const request = { scores, shape: [batch, n], labels, k, tau: 1, grad: true, reduction: 'mean' };

const median = (times) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
async function time(run) {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

console.log(`forward+backward, n = ${n}, k = ${k}, batch = ${batch}, float32 scores; medians of ${repeats} alternating runs after one warm-up call`);
for (let i = 0; i < 3; i++) topkSvmLoss(request);
for (const mode of modes) {
  let backend;
  try {
    backend = await createGpujsBackend(mode);
  } catch (error) {
    console.log(`gpujs:${mode.padEnd(18)} unavailable: ${error.message}`);
    continue;
  }
  const firstMs = await time(() => backend.loss(request));
  const coreTimes = [];
  const times = [];
  // The slow software modes get fewer repeats.
  const count = backend.device.software && mode !== 'webasm' ? Math.min(repeats, 3) : repeats;
  for (let i = 0; i < count; i++) {
    coreTimes.push(await time(() => topkSvmLoss(request)));
    times.push(await time(() => backend.loss(request)));
  }
  const ms = median(times);
  const coreMs = median(coreTimes);
  console.log(
    `${backend.name.padEnd(18)} ${ms.toFixed(1).padStart(8)} ms  core ${coreMs.toFixed(1).padStart(6)} ms  ` +
      `(${(ms / coreMs).toFixed(2)}x core; first call with compilation ${firstMs.toFixed(0)} ms)  ${backend.device.description}`,
  );
  backend.dispose();
}
// Dawn's instance keeps the event loop busy after its devices are gone: leave explicitly.
process.exit(0);
