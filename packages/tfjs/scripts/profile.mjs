// Where the time of one forward+backward TfjsBackend.loss call goes, per kernel name and per
// kernel with its shapes (n = 1000, k = 5, batch 256 unless N, K, BATCH are set): every kernel of
// the backend is wrapped with a timer (tf.profile is not used: it reads every output back, which
// costs more than many kernels). Usage: node scripts/profile.mjs [backend] [calls] (after npm run build).
import * as tf from '@tensorflow/tfjs';
import { createTfjsBackend } from '../dist/index.js';

const [B, n, k] = [Number(process.env.BATCH ?? 256), Number(process.env.N ?? 1000), Number(process.env.K ?? 5)];
const name = process.argv[2] ?? 'wasm';
const calls = Number(process.argv[3] ?? 20);
let seed = 7;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const scores = new Float32Array(B * n).map(() => rnd() * 4 - 2);
const labels = Array.from({ length: B }, () => Math.floor(rnd() * n));
const be = await createTfjsBackend(name);
const request = { scores, shape: [B, n], labels, k, grad: true };
await be.loss(request); // registers the package's own kernels
const byName = new Map();
const byShape = new Map();
let recording = false;
for (const config of tf.getKernelsForBackend(be.tfjs.tfName)) {
  const inner = config.kernelFunc;
  config.kernelFunc = (args) => {
    if (!recording) return inner(args);
    const t0 = performance.now();
    const out = inner(args);
    const t = performance.now() - t0;
    const shapes = Object.values(args.inputs).map((x) => x.shape);
    const add = (map, key) => { const a = map.get(key) ?? [0, 0]; map.set(key, [a[0] + t, a[1] + 1]); };
    add(byName, config.kernelName);
    add(byShape, `${config.kernelName} ${JSON.stringify(shapes)}`);
    return out;
  };
}
for (let i = 0; i < 3; i++) await be.loss(request);
let wall = 0;
recording = true;
for (let i = 0; i < calls; i++) {
  const t0 = performance.now();
  await be.loss(request);
  wall += performance.now() - t0;
}
const total = [...byName.values()].reduce((s, [t]) => s + t, 0);
const count = [...byName.values()].reduce((s, [, c]) => s + c, 0);
console.log(`per call: ${(wall / calls).toFixed(2)} ms wall, ${(total / calls).toFixed(2)} ms in ${count / calls} kernels`);
for (const [kn, [t, c]] of [...byName].sort((a, b) => b[1][0] - a[1][0])) console.log(`${(t / calls).toFixed(2).padStart(7)} ms ${String(c / calls).padStart(5)}x ${kn}`);
console.log('--- by kernel and input shapes (top 45)');
for (const [kn, [t, c]] of [...byShape].sort((a, b) => b[1][0] - a[1][0]).slice(0, 45)) console.log(`${(t / calls).toFixed(2).padStart(7)} ms ${String(c / calls).padStart(5)}x ${kn}`);
process.exit(0);
