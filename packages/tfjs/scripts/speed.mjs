// Side-by-side forward+backward timings at n = 1000, k = 5, batch 256 (medians of interleaved runs, one process):
// TfjsBackend.loss on each given TF.js backend, crossEntropyOnBackend on the same backend, and core's topkSvmLoss;
// also the TF.js kernels launched per call. Usage: node scripts/speed.mjs wasm,cpu [runs] (after npm run build).
import * as tf from '@tensorflow/tfjs';
import { createTfjsBackend, crossEntropyOnBackend, topkSvmLossOp } from '../dist/index.js';
import { topkSvmLoss } from '@topk/core';

const [B, n, k] = [256, 1000, 5];
const runs = Number(process.argv[3] ?? 21);
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const scores = new Float32Array(B * n).map(() => rnd() * 4 - 2);
const labels = Array.from({ length: B }, () => Math.floor(rnd() * n));
const median = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];

for (const name of (process.argv[2] ?? 'wasm').split(',')) {
  const be = await createTfjsBackend(name);
  await tf.setBackend(name);
  const request = { scores, shape: [B, n], labels, k, grad: true };
  const S = tf.tensor2d(scores, [B, n]);
  const L = tf.tensor1d(labels, 'float32');
  const layersStep = async () => {
    const { value, grad } = tf.valueAndGrad((s) => topkSvmLossOp(L, s, { k }, undefined, tf.Reduction.SUM))(S);
    await grad.data();
    tf.dispose([value, grad]);
  };
  const cases = {
    'core topkSvmLoss': async () => topkSvmLoss({ scores: Float64Array.from(scores), shape: [B, n], labels, k, grad: true }),
    [`tfjs:${name} backend.loss`]: () => be.loss(request),
    [`tfjs:${name} topkSvmLossOp+valueAndGrad`]: layersStep,
    [`tfjs:${name} crossEntropyOnBackend`]: () => crossEntropyOnBackend(be, scores, [B, n], labels, true),
  };
  const times = Object.fromEntries(Object.keys(cases).map((c) => [c, []]));
  for (const f of Object.values(cases)) await f(); // warm-up
  const before = tf.memory().numTensors;
  const entries = Object.entries(cases);
  for (let r = 0; r < runs; r++) {
    // Rotate the order so that no case always follows the same one (garbage collection, caches).
    for (const [c, f] of [...entries.slice(r % entries.length), ...entries.slice(0, r % entries.length)]) {
      const t0 = performance.now();
      await f();
      times[c].push(performance.now() - t0);
    }
  }
  const leaked = tf.memory().numTensors - before;
  const profile = await tf.profile(() => be.loss(request));
  // Medians, and the fastest runs (least disturbed by other processes on a shared machine).
  for (const [label, stat] of [['median', median], ['min', (t) => Math.min(...t)]]) {
    const ce = stat(times[`tfjs:${name} crossEntropyOnBackend`]);
    const core = stat(times['core topkSvmLoss']);
    for (const [c, t] of Object.entries(times)) {
      const m = stat(t);
      console.log(`${label.padEnd(6)} ${c.padEnd(40)} ${m.toFixed(2).padStart(8)} ms   / CE ${(m / ce).toFixed(2)}   / core ${(m / core).toFixed(2)}`);
    }
  }
  console.log(`tfjs:${name} backend.loss kernels per call: ${profile.kernels.length}; tensors leaked over ${runs} runs: ${leaked}`);
  tf.dispose([S, L]);
}
process.exit(0);
