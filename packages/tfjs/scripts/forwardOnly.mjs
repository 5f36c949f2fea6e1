// Forward-only calls against forward+backward, side by side at n = 1000, k = 5, batch 256
// (interleaved runs in one process, medians): the Keras-style loss called plainly (as under
// model.evaluate; no gradient tape, so no backward pass) against the same call computing the
// gradient as well (computeLossTensors with grad: true, what a plain call would cost if the
// backward pass always ran; that case reads no labels back), the forward-only call with validate: false,
// and TfjsBackend.loss with grad false and true.
// Usage: node scripts/forwardOnly.mjs [backend] [runs] (after npm run build).
import * as tf from '@tensorflow/tfjs';
import { createTfjsBackend, topkSvmKerasLoss } from '../dist/index.js';
import { computeLossTensors } from '../dist/topkLossTensors.js';

const name = process.argv[2] ?? 'wasm';
const runs = Number(process.argv[3] ?? 31);
const [B, n, k] = [256, 1000, 5];
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const scores = new Float32Array(B * n).map(() => rnd() * 4 - 2);
const labels = Array.from({ length: B }, () => Math.floor(rnd() * n));
const median = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];

const backend = await createTfjsBackend(name);
await tf.setBackend(name);
const S = tf.tensor2d(scores, [B, n]);
const L = tf.tensor1d(labels, 'int32');
const loss = topkSvmKerasLoss({ k });
const unchecked = topkSvmKerasLoss({ k, validate: false });
const options = { k, tau: 1, alpha: 1, mode: 'smooth', backward: 'exact' };
const read = async (out) => {
  await out.losses.data();
  tf.dispose(Object.values(out));
};
const cases = {
  'keras loss, forward only': async () => {
    const l = loss(L, S);
    await l.data();
    l.dispose();
  },
  'same, validate: false': async () => {
    const l = unchecked(L, S);
    await l.data();
    l.dispose();
  },
  'same, with backward': () => read(tf.tidy(() => computeLossTensors(S, L, { ...options, grad: true }))),
  'backend.loss grad false': () => backend.loss({ scores, shape: [B, n], labels, k }),
  'backend.loss grad true': () => backend.loss({ scores, shape: [B, n], labels, k, grad: true }),
};
const times = Object.fromEntries(Object.keys(cases).map((c) => [c, []]));
for (const f of Object.values(cases)) await f();
const entries = Object.entries(cases);
for (let r = 0; r < runs; r++) {
  for (const [c, f] of [...entries.slice(r % entries.length), ...entries.slice(0, r % entries.length)]) {
    const t0 = performance.now();
    await f();
    times[c].push(performance.now() - t0);
  }
}
for (const [c, t] of Object.entries(times)) console.log(`${c.padEnd(28)} ${median(t).toFixed(2).padStart(8)} ms`);
console.log(`tfjs:${name} forward-only / with backward: keras loss ${(median(times['keras loss, forward only']) / median(times['same, with backward'])).toFixed(2)} (validate: false ${(median(times['same, validate: false']) / median(times['same, with backward'])).toFixed(2)}), backend.loss ${(median(times['backend.loss grad false']) / median(times['backend.loss grad true'])).toFixed(2)} (${runs} runs)`);
backend.dispose();
process.exit(0);
