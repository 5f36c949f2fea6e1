// The general product tree and its adjoint alone (linearProductTree + linearProductTreeAdjoint,
// leaves [batch, 1024] as the loss makes them at n = 1000), with the convolution levels from
// several degrees (Infinity: the shallow layout all the way, as before the convolution levels),
// in rotating order in one process. Usage: node scripts/treeSpeed.mjs <backend> <K,K,...>
// <batch> [rounds] [degrees, e.g. 1,2,4,8,Infinity] (after npm run build).
import * as tf from '@tensorflow/tfjs';
import { loadTfjsBackend, useTfBackend } from '../dist/loadBackend.js';
import { linearProductTree, linearProductTreeAdjoint } from '../dist/linearTree.js';

const [name = 'wasm', Ks = '13,50', batchArg = '2', roundsArg = '5', degreesArg = '1,2,4,8,Infinity'] = process.argv.slice(2);
const [batch, rounds] = [Number(batchArg), Number(roundsArg)];
const degrees = degreesArg.split(',').map(Number);
await loadTfjsBackend(name);
await useTfBackend(name);
const nodes = 1024;
const median = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];
for (const K of Ks.split(',').map(Number)) {
  const p = tf.tidy(() => tf.sigmoid(tf.add(tf.randomNormal([batch, nodes]), Math.log(K / nodes))));
  const q = tf.sub(1, p);
  const w = tf.randomUniform([batch, Math.min(K, nodes) + 1]);
  const run = async (degree) => {
    const [ga, gb] = tf.tidy(() => linearProductTreeAdjoint(linearProductTree(q, p, K, undefined, degree), w));
    await ga.data();
    tf.dispose([ga, gb]);
  };
  const times = new Map(degrees.map((d) => [d, []]));
  for (const d of degrees) await run(d);
  for (let r = 0; r < rounds; r++) {
    const order = [...degrees.slice(r % degrees.length), ...degrees.slice(0, r % degrees.length)];
    for (const d of order) {
      const t0 = performance.now();
      await run(d);
      times.get(d).push(performance.now() - t0);
    }
  }
  console.log(`tfjs:${name} K=${K} batch=${batch}: ` + degrees.map((d) => `from degree ${d} ${median(times.get(d)).toFixed(1)} ms`).join(', '));
  tf.dispose([p, q, w]);
}
process.exit(0);
