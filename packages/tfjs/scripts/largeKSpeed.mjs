// Forward+backward TfjsBackend.loss at large k, this build (../dist) against a baseline build of
// the package side by side in one process, in alternating blocks (old, new, new, old, ...), so
// that the machine's slow and fast phases hit both alike. Also the peak memory of one call of each
// (see below).
// Usage: node scripts/largeKSpeed.mjs <backend> <k,k,...> <batch> [rounds] [n]
// with BASELINE=<dir of the baseline's dist> (default scripts/baseline/dist; make it with
// `git show <commit>:...` or by copying dist before a change). Without a baseline (BASELINE=none)
// only this build is timed. NEW=<dir of a dist> times that build instead of ../dist.
import * as tf from '@tensorflow/tfjs';

const fresh = await import(`${process.env.NEW ?? new URL('../dist', import.meta.url).pathname}/index.js`);

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

// Peak bytes of tensor data in use during one call, above what was in use before it. On wasm and
// cpu, from the backend's own storage (every buffer it allocates and frees: a reshape shares its
// input's buffer, although tf.memory().numBytes counts it again); elsewhere from
// tf.memory().numBytes as every kernel starts (an overestimate: reshapes count twice).
let [live, peak, watching] = [0, 0, false];
const tfBackend = tf.engine().findBackend(builds.new.tfjs.tfName);
const storage = tfBackend.dataIdMap ?? tfBackend.data;
const ownCount = storage?.set !== undefined && (name === 'wasm' || name === 'cpu');
const inUse = () => (ownCount ? live : tf.memory().numBytes);
if (ownCount) {
  const sizes = new Map();
  const [set, remove] = [storage.set.bind(storage), storage.delete.bind(storage)];
  storage.set = (dataId, value) => {
    if (!sizes.has(dataId)) {
      const bytes = value.shape ? value.shape.reduce((p, q) => p * q, 1) * 4 : (value.values?.length ?? 0) * 4;
      sizes.set(dataId, bytes);
      live += bytes;
      if (watching) peak = Math.max(peak, live);
    }
    return set(dataId, value);
  };
  storage.delete = (dataId) => {
    live -= sizes.get(dataId) ?? 0;
    sizes.delete(dataId);
    return remove(dataId);
  };
} else {
  for (const config of tf.getKernelsForBackend(builds.new.tfjs.tfName)) {
    const inner = config.kernelFunc;
    config.kernelFunc = (args) => {
      if (watching) peak = Math.max(peak, inUse());
      return inner(args);
    };
  }
}

for (const k of ks.split(',').map(Number)) {
  const request = { scores, shape: [batch, n], labels, k, grad: true };
  const times = Object.fromEntries(Object.keys(builds).map((b) => [b, []]));
  const peaks = {};
  for (const [b, backend] of Object.entries(builds)) {
    await backend.loss(request); // warm-up
    const before = inUse();
    [peak, watching] = [before, true];
    await backend.loss(request);
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
