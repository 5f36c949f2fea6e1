// Loss and gradient errors of one gpu.js mode against core (float64) on the same float32 inputs,
// over a sweep of long rows and large k (the log-space kernels) plus a few linear-space shapes.
// Usage (after `npm run build -w @topk/gpujs`):
//   EGL_PLATFORM=surfaceless node bench/accuracy.mjs [mode=webasm] [profile=lead|wide|huge]
// Prints one line per case (loss error |v - r| / max(1, |r|), gradient max abs difference) and the worst.
import { CoreBackend } from '@topk/core';
// GPUJS_BUILD=<another build's dist/index.js> measures that build instead (before/after).
const { createGpujsBackend } = await import(process.env.GPUJS_BUILD ?? '../dist/index.js');

const mode = process.argv[2] ?? 'webasm';
const profile = process.argv[3] ?? 'lead';
let seed = 987654321;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);

/** Scores uniform in [-2, 2] times scale, quantised into ties when `ties`, or all equal. */
function scoresOf(batch, n, scale, kind) {
  return new Float32Array(batch * n).map(() => {
    if (kind === 'equal') return 0.5;
    const u = (random() * 4 - 2) * scale;
    return Math.fround(kind === 'ties' ? Math.round(u * 4 / scale) / 4 * scale : u);
  });
}

const cases = [];
if (profile === 'lead') {
  for (const [n, k] of [[1000, 200], [1000, 300], [1000, 600]]) cases.push({ n, k, tau: 1, scale: 1, kind: 'equal' });
  for (const k of [450, 600]) for (const scale of [1, 100]) cases.push({ n: 1000, k, tau: 1, scale, kind: 'random' });
  for (const k of [450, 1000, 1500, 2500]) cases.push({ n: 3000, k, tau: 1, scale: 1, kind: 'random' });
  for (const k of [300, 600]) cases.push({ n: 1000, k, tau: 0.01, scale: 1, kind: 'random' });
} else if (profile === 'wide') {
  for (const n of [1200, 5000]) for (const k of [5, 50, 500]) for (const tau of [1e-3, 1, 1e3]) for (const scale of [1e-2, 1, 1e4]) {
    cases.push({ n, k, tau: Math.fround(tau), scale, kind: random() < 0.5 ? 'ties' : 'random' });
  }
  for (const n of [1200, 5000]) for (const k of [50, 500]) cases.push({ n, k, tau: 1, scale: 1, kind: 'equal' });
} else {
  for (const k of [5, 50, 500]) for (const [tau, scale] of [[1, 1], [1e-3, 1e4], [1e3, 1e-2], [1, 100]]) {
    cases.push({ n: 100000, k, tau: Math.fround(tau), scale, kind: random() < 0.5 ? 'ties' : 'random' });
  }
  cases.push({ n: 100000, k: 500, tau: 1, scale: 1, kind: 'equal' });
}

const core = new CoreBackend();
const backend = await createGpujsBackend(mode);
let worstLoss = 0;
let worstGrad = 0;
for (const c of cases) {
  const batch = 2;
  const request = { scores: scoresOf(batch, c.n, c.scale, c.kind), shape: [batch, c.n], labels: [3, 7], k: c.k, tau: c.tau, grad: true };
  const t0 = performance.now();
  const got = await backend.loss(request);
  const ms = performance.now() - t0;
  const want = await core.loss(request);
  let loss = 0;
  let grad = 0;
  for (let i = 0; i < batch; i++) loss = Math.max(loss, Math.abs(got.losses[i] - want.losses[i]) / Math.max(1, Math.abs(want.losses[i])));
  for (let i = 0; i < got.grad.length; i++) grad = Math.max(grad, Math.abs(got.grad[i] - want.grad[i]));
  if (!(loss <= 1) || !(grad <= 1)) { loss = Math.max(loss, Number.isNaN(loss) ? Infinity : loss); }
  worstLoss = Math.max(worstLoss, Number.isNaN(loss) ? Infinity : loss);
  worstGrad = Math.max(worstGrad, Number.isNaN(grad) ? Infinity : grad);
  console.log(`n=${c.n} k=${c.k} tau=${c.tau.toPrecision(3)} scale=${c.scale} ${c.kind}: loss ${loss.toExponential(2)} grad ${grad.toExponential(2)} (${ms.toFixed(0)} ms; loss ${want.losses[0].toPrecision(4)})`);
}
console.log(`${backend.name} ${profile}: worst loss ${worstLoss.toExponential(2)}, worst gradient ${worstGrad.toExponential(2)} over ${cases.length} cases`);
backend.dispose();
// A live Dawn device keeps the process running.
process.exit(0);
