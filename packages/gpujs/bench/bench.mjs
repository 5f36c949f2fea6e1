// Forward+backward timings of each gpu.js mode beside core's topkSvmLoss, printing the device
// each mode ran on. Usage (after `npm run build -w @topk/gpujs`):
//   EGL_PLATFORM=surfaceless xvfb-run -a node bench/bench.mjs [n=1000] [k=5] [batch=256] [modes=webasm,webgpu,cpu | headlessgl] [rounds=9] [block=5]
// Core and the backend run in alternating blocks (`block` calls of core, then `block` calls of
// the backend, `rounds` times), so that a load change during the run slows both alike while
// neither side's caches and garbage are disturbed call by call (alternating single calls slowed
// core by about a quarter). Each block gives its mean ms per call; the script prints the median
// block of each side, their ratio, and the median of the per-round ratios.
// BASELINE=<path to another build's dist/index.js> adds that build of the same mode as a third
// side of every round (before/after comparisons in one process).
import { topkSvmLoss } from '@topk/core';
import { createGpujsBackend } from '../dist/index.js';

const [n = 1000, k = 5, batch = 256] = process.argv.slice(2, 5).map(Number);
// Default: no headlessgl, which cannot share a process with Dawn (see docs/gpujs.md); run it on its own.
const modes = (process.argv[5] ?? 'webasm,webgpu,cpu').split(',');
const rounds = Number(process.argv[6] ?? 9);
const block = Number(process.argv[7] ?? 5);
let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
const scores = new Float32Array(batch * n).map(() => Math.fround((random() + random() + random() - 1.5) * 4));
const labels = Array.from({ length: batch }, () => Math.floor(random() * n));
const request = { scores, shape: [batch, n], labels, k, tau: 1, grad: true, reduction: 'mean' };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** Mean ms per call of `count` calls in a row. */
async function timeBlock(run, count) {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await run();
  return (performance.now() - t0) / count;
}

console.log(
  `forward+backward, n = ${n}, k = ${k}, batch = ${batch}, float32 scores; ${rounds} rounds of alternating blocks ` +
    `(${block} calls of core, then ${block} of the backend), medians of the blocks' ms per call, after warm-up`,
);
for (let i = 0; i < 3; i++) topkSvmLoss(request);
for (const mode of modes) {
  let backend;
  try {
    backend = await createGpujsBackend(mode);
  } catch (error) {
    console.log(`gpujs:${mode.padEnd(18)} unavailable: ${error.message}`);
    continue;
  }
  const firstMs = await timeBlock(() => backend.loss(request), 1);
  // The slow software modes get fewer, shorter rounds.
  const slow = backend.device.software && mode !== 'webasm';
  const count = slow ? Math.min(rounds, 3) : rounds;
  const size = slow ? Math.min(block, 2) : block;
  await timeBlock(() => backend.loss(request), size);
  const baseline = process.env.BASELINE ? await (await import(process.env.BASELINE)).createGpujsBackend(mode) : null;
  if (baseline) await timeBlock(() => baseline.loss(request), size + 1);
  const coreBlocks = [];
  const blocks = [];
  const baseBlocks = [];
  const ratios = [];
  for (let i = 0; i < count; i++) {
    coreBlocks.push(await timeBlock(() => topkSvmLoss(request), size));
    if (baseline) baseBlocks.push(await timeBlock(() => baseline.loss(request), size));
    blocks.push(await timeBlock(() => backend.loss(request), size));
    ratios.push(blocks[i] / coreBlocks[i]);
  }
  const ms = median(blocks);
  const coreMs = median(coreBlocks);
  console.log(
    `${backend.name.padEnd(18)} ${ms.toFixed(1).padStart(8)} ms  core ${coreMs.toFixed(1).padStart(6)} ms  ` +
      `(${(ms / coreMs).toFixed(2)}x core, median per-round ratio ${median(ratios).toFixed(2)}x; ` +
      `blocks ${Math.min(...blocks).toFixed(1)}-${Math.max(...blocks).toFixed(1)} vs core ${Math.min(...coreBlocks).toFixed(1)}-${Math.max(...coreBlocks).toFixed(1)}; ` +
      `first call with compilation ${firstMs.toFixed(0)} ms)  ${backend.device.description}`,
  );
  if (baseline) {
    const baseMs = median(baseBlocks);
    console.log(
      `${'  baseline'.padEnd(18)} ${baseMs.toFixed(1).padStart(8)} ms  (${(baseMs / coreMs).toFixed(2)}x core; ` +
        `this build / baseline ${(ms / baseMs).toFixed(3)})  ${process.env.BASELINE}`,
    );
    baseline.dispose();
  }
  backend.dispose();
}
// Dawn's instance keeps the event loop busy after its devices are gone: leave explicitly.
process.exit(0);
