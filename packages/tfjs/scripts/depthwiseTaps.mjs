// Cost of one tf.depthwiseConv2d per multiply-add by filter height (taps) on a TF.js backend, about
// 4e6 multiply-adds a call with up to 14 output rows (the shapes of the product tree's convolution
// levels), and the cost of reversing the rows of a [9, 16384] matrix four ways. On wasm it shows
// XNNPACK's fast single-pass heights (9 and 25). Usage: node scripts/depthwiseTaps.mjs [backend]
// (after npm run build).
import * as tf from '@tensorflow/tfjs';
import { loadTfjsBackend, useTfBackend } from '../dist/loadBackend.js';

const name = process.argv[2] ?? 'wasm';
await loadTfjsBackend(name);
await useTfBackend(name);
const median = async (f) => {
  const times = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const y = f();
    await y.data();
    y.dispose();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[2];
};
for (const taps of [2, 3, 4, 5, 8, 9, 10, 14, 16, 17, 25, 26, 33, 64, 129, 201]) {
  const out = Math.min(taps, 14);
  const channels = Math.max(256, Math.round(4e6 / (taps * out) / 256) * 256);
  const x = tf.randomUniform([1, out + taps - 1, 1, channels]);
  const f = tf.randomUniform([taps, 1, channels, 1]);
  const t = await median(() => tf.depthwiseConv2d(x, f, 1, 'valid'));
  console.log(`${name} taps ${taps} out ${out} channels ${channels}: ${t.toFixed(2)} ms, ${((t * 1e6) / (taps * out * channels)).toFixed(2)} ns a multiply-add`);
  tf.dispose([x, f]);
}
const R = tf.randomUniform([9, 16384]);
const J = tf.tensor2d(Array.from({ length: 81 }, (_, i) => (Math.floor(i / 9) + (i % 9) === 8 ? 1 : 0)), [9, 9]);
const index = tf.tensor1d([8, 7, 6, 5, 4, 3, 2, 1, 0], 'int32');
const ways = { reverse: () => tf.reverse(R, 0), gather: () => tf.gather(R, index, 0), 'matMul(J, R)': () => tf.matMul(J, R), stridedSlice: () => tf.stridedSlice(R, [8, 0], [-10, 16384], [-1, 1]) };
for (const [way, f] of Object.entries(ways)) console.log(`${name} rows of [9, 16384] reversed by ${way}: ${(await median(f)).toFixed(2)} ms`);
process.exit(0);
