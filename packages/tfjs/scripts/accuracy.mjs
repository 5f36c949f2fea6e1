// Worst loss and gradient errors against @topk/core on random hard cases (scores 1e-4..1e4, tau 1e-3..1e3, ties),
// modes smooth, auto and hard. Usage: node scripts/accuracy.mjs wasm [large|largek] (after npm run build); with
// `large`, n from 65 to 1164 and k from 1 to 12 (on wasm mostly the monic layout; else n from 2 to 60, any k);
// with `largek` (general layout, smooth mode only, 40 cases, minutes), n from 100 to 5000 and k from 13 to n - 1
// with min(k, n - k + 1) <= 250, or the cap given after it (`largek 2500`), some rows all equal.
import { createTfjsBackend } from '../dist/index.js';
import { CoreBackend } from '@topk/core';
const core = new CoreBackend();
const which = process.argv[2] ?? 'cpu';
const large = process.argv[3] === 'large';
const largeK = process.argv[3] === 'largek';
const maxK = Number(process.argv[4] ?? 250);
const be = await createTfjsBackend(which);
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
let worstL = 0, worstG = 0, worstCase, nonFinite = 0;
const t0 = Date.now();
for (let it = 0; it < (largeK ? 40 : large ? 100 : 400); it++) {
  const n = largeK ? 100 + Math.floor(rnd() * 4901) : large ? 65 + Math.floor(rnd() * 1100) : 2 + Math.floor(rnd() * 59);
  const batch = largeK ? 2 : 1 + Math.floor(rnd()*4);
  let k = 1 + Math.floor(rnd() * (large ? 12 : n - 1));
  while (largeK && (k < 13 || Math.min(k, n - k + 1) > maxK)) k = 13 + Math.floor(rnd() * (n - 13));
  const tau = Math.fround(10 ** (-3 + 6 * rnd())), alpha = Math.fround([0,1,2*rnd()][Math.floor(rnd()*3)]);
  const scale = 10 ** (-4 + 8 * rnd()); const q = [0,0,0.1,1,4,'equal'][Math.floor(rnd()*(largeK ? 6 : 5))];
  const scores = new Float32Array(batch*n).map(() => { const v = q === 'equal' ? 0.5 : -3 + 6*rnd(); return (q === 0 || q === 'equal' ? v : Math.round(v*q)/q) * scale; });
  const labels = Array.from({length: batch}, () => Math.floor(rnd()*n));
  for (const mode of largeK ? ['smooth'] : ['smooth', 'auto', 'hard']) {
  const req = { scores, shape: [batch, n], labels, k, tau, alpha, grad: true, mode };
  const r = await core.loss({ ...req, scores: Float64Array.from(scores) });
  const v = await be.loss(req);
  nonFinite += [...v.losses, ...v.grad].filter((x) => !Number.isFinite(x)).length;
  for (let i = 0; i < batch; i++) { const e = Math.abs(v.losses[i]-r.losses[i])/Math.max(1,Math.abs(r.losses[i])); if (!(e <= worstL)) { worstL = e; worstCase = {n,k,tau,alpha,scale,q,mode, v: v.losses[i], r: r.losses[i]}; } }
  for (let j = 0; j < batch*n; j++) { const e = Math.abs(v.grad[j]-r.grad[j]); if (!(e <= worstG)) { worstG = e; if (e > 1e-5) console.log('grad', {n,k,tau,alpha,scale,q,mode,j, v: v.grad[j], r: r.grad[j]}); } }
  }
}
console.log(which, 'worst loss', worstL, worstCase, 'worst grad', worstG, 'non-finite values', nonFinite, 'ms', Date.now()-t0);
process.exit(0);
