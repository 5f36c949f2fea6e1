// One truncated convolution of `pairs` polynomial pairs of degree d, cut at degree D, three ways
// on a TF.js backend: a Toeplitz matrix of each right factor gathered (tf.gather with a constant
// index) and a batched tf.matMul; a depthwise convolution with one channel a pair (the layout of
// src/linearTree.ts); and the shallow layout's (d + 1)(D + 1)/2 multiplies and addNs. Checks that
// they agree, then times them in turn. Usage: node scripts/convolutionLayouts.mjs <backend> <pairs>
// <d> <D> [gather,depthwise,shallow] (after npm run build), e.g. wasm 256 128 200.
import * as tf from '@tensorflow/tfjs';
import { loadTfjsBackend, useTfBackend } from '../dist/loadBackend.js';

const name = process.argv[2] ?? 'wasm';
await loadTfjsBackend(name);
await useTfBackend(name);
const [pairs, d, D] = process.argv.slice(3, 6).map(Number);
const which = (process.argv[6] ?? 'gather,depthwise,shallow').split(',');
const L = tf.randomUniform([pairs, d + 1]);
const R = tf.randomUniform([pairs, d + 1]);
const [Lt, Rt] = [L.transpose(), R.transpose()]; // [d + 1, pairs]: coefficient-major
// Toeplitz T[p, r] = R[r - p], or the zero column d + 1 outside 0..d.
const index = new Int32Array((d + 1) * (D + 1));
for (let p = 0; p <= d; p++) for (let r = 0; r <= D; r++) index[p * (D + 1) + r] = r - p >= 0 && r - p <= d ? r - p : d + 1;
const I = tf.tensor1d(index, 'int32');
const layouts = {
  gather: () =>
    tf.tidy(() => {
      const T = tf.gather(tf.pad(R, [[0, 0], [0, 1]]), I, 1).reshape([pairs, d + 1, D + 1]);
      return tf.matMul(L.reshape([pairs, 1, d + 1]), T).reshape([pairs, D + 1]);
    }),
  depthwise: () =>
    tf.tidy(() => {
      const x = Lt.reshape([1, d + 1, 1, pairs]);
      const f = tf.reverse(Rt, 0).reshape([d + 1, 1, pairs, 1]);
      return tf.depthwiseConv2d(x, f, 1, [[0, 0], [d, D - d], [0, 0], [0, 0]]).reshape([D + 1, pairs]).transpose();
    }),
  shallow: () =>
    tf.tidy(() => {
      const [l, r] = [tf.unstack(Lt), tf.unstack(Rt)];
      const out = [];
      for (let k = 0; k <= D; k++) {
        const terms = [];
        for (let p = Math.max(0, k - d); p <= Math.min(k, d); p++) terms.push(tf.mul(l[p], r[k - p]));
        out.push(terms.length > 1 ? tf.addN(terms) : terms[0]);
      }
      return tf.stack(out, 1);
    }),
};
const cases = Object.entries(layouts).filter(([k]) => which.includes(k));
const reference = layouts.gather();
for (const [k, f] of cases) {
  const y = f();
  const diff = tf.max(tf.abs(tf.sub(y, reference)));
  console.log(`${k}: largest difference from gather ${(await diff.data())[0]} (largest coefficient ${(await tf.max(reference).data())[0]})`);
  tf.dispose([y, diff]);
}
const times = Object.fromEntries(cases.map(([k]) => [k, []]));
for (let round = 0; round < 5; round++) {
  for (const [k, f] of cases) {
    const t0 = performance.now();
    const y = f();
    await y.data();
    y.dispose();
    times[k].push(performance.now() - t0);
  }
}
for (const [k, t] of Object.entries(times)) console.log(`${name} pairs ${pairs} d ${d} D ${D} ${k.padEnd(10)} ${t.map((x) => x.toFixed(1)).join(' ')} ms`);
process.exit(0);
