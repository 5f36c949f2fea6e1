// Forward+backward TfjsBackend.loss at large k, this build (../dist) against a baseline build of
// the package side by side in one process, in alternating blocks (old, new, new, old, ...), so
// that the machine's slow and fast phases hit both alike. Also the peak of tf.memory().numBytes
// over one call of each, above what was in use before it (sampled as every kernel starts).
// Usage: node scripts/largeKSpeed.mjs <backend> <k,k,...> <batch> [rounds] [n]
// with BASELINE=<dir of the baseline's dist> (default scripts/baseline/dist; make it with
// `git show <commit>:...` or by copying dist before a change). Without a baseline (BASELINE=none)
// only this build is timed.
import * as tf from '@tensorflow/tfjs';
import * as fresh from '../dist/index.js';

const [name = 'wasm', ks = '50,200,450', batchArg = '2', roundsArg = '3', nArg = '1000'] = process.argv.slice(2);
const [batch, rounds, n] = [Number(batchArg), Number(roundsArg), Number(nArg)];
const baselineDir = process.env.BASELINE ?? new URL('./baseline/dist', import.meta.url).pathname;
const baseline = baselineDir === 'none' ? undefined : await import(`${baselineDir}/index.js`);

let seed = 11;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const scores = new Float32Array(batch * n).map(() => Math.fround(rnd() * 4 - 2));
const labels = Array.from({ length: batch }, () => Math.floor(rnd() * n));
const median = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];

const builds = { new: await fresh.createTfjsBackend(name) };
if (baseline) builds.old = await baseline.createTfjsBackend(name);

// Peak bytes in use during one call: tf.memory().numBytes as every kernel starts (the outputs of
// the one before are counted by then; the last kernel's are missed).
let peak = 0;
let watching = false;
for (const config of tf.getKernelsForBackend(builds.new.tfjs.tfName)) {
  const inner = config.kernelFunc;
  config.kernelFunc = (args) => {
    if (watching) peak = Math.max(peak, tf.memory().numBytes);
    return inner(args);
  };
}

for (const k of ks.split(',').map(Number)) {
  const request = { scores, shape: [batch, n], labels, k, grad: true };
  const times = Object.fromEntries(Object.keys(builds).map((b) => [b, []]));
  const peaks = {};
  for (const [b, backend] of Object.entries(builds)) {
    const before = tf.memory().numBytes;
    [peak, watching] = [0, true];
    await backend.loss(request); // warm-up, and the peak
    watching = false;
    peaks[b] = peak - before;
  }
  const [a, z] = Object.keys(builds);
  for (let r = 0; r < rounds; r++) {
    for (const b of r % 2 === 0 ? [a, z] : [z, a]) {
      if (b === undefined) continue;
      const t0 = performance.now();
      await builds[b].loss(request);
      times[b].push(performance.now() - t0);
    }
  }
  const line = [`tfjs:${name} n=${n} k=${k} batch=${batch}`];
  for (const b of Object.keys(builds)) line.push(`${b} ${median(times[b]).toFixed(1)} ms (min ${Math.min(...times[b]).toFixed(1)}, peak ${(peaks[b] / 2 ** 20).toFixed(1)} MiB)`);
  if (baseline) {
    const ratios = times.new.map((t, i) => t / times.old[i]);
    line.push(`new/old median ${median(ratios).toFixed(3)} over ${rounds} pairs`);
  }
  console.log(line.join('; '));
}
process.exit(0);
