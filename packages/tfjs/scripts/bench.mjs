// Forward+backward timings at n = 1000, k = 5, batch 256: core (float64), this package on the given TF.js
// backends, and TF.js's softmax cross-entropy on the same backend. Usage: node scripts/bench.mjs wasm,webgpu (after npm run build).
import * as tf from '@tensorflow/tfjs';
import { createTfjsBackend, topkLossTensors } from '../dist/index.js';
import { topkSvmLoss } from '@topk/core';
const B=256,n=1000,k=5;
const scores=new Float32Array(B*n).map(()=>Math.random()*4-2); const labels=Array.from({length:B},()=>Math.floor(Math.random()*n));
const med=(f,r=15)=>{const t=[];for(let i=0;i<r;i++){const s=performance.now();f();t.push(performance.now()-s);}t.sort((a,b)=>a-b);return t[r>>1];};
const amed=async(f,r=15)=>{const t=[];for(let i=0;i<r;i++){const s=performance.now();await f();t.push(performance.now()-s);}t.sort((a,b)=>a-b);return t[r>>1];};
console.log('core fwd+bwd', med(()=>topkSvmLoss({scores,shape:[B,n],labels,k,grad:true})).toFixed(2));
for (const name of (process.argv[2]??'wasm').split(',')) {
const be=await createTfjsBackend(name);
const S=tf.tensor2d(scores,[B,n]); const L=tf.tensor1d(labels,'int32'); const oh=tf.oneHot(L,n).cast('float32');
await be.loss({scores,shape:[B,n],labels,k,grad:true});
console.log(name,'backend.loss fwd+bwd', (await amed(()=>be.loss({scores,shape:[B,n],labels,k,grad:true}))).toFixed(2));
console.log(name,'tensors fwd+bwd', (await amed(async()=>{const o=topkLossTensors(S,L,{k,tau:1,alpha:1,mode:'smooth',backward:'exact',grad:true}); await o.grad.data(); o.losses.dispose(); o.grad.dispose();})).toFixed(2));
console.log(name,'tensors fwd', (await amed(async()=>{const o=topkLossTensors(S,L,{k,tau:1,alpha:1,mode:'smooth',backward:'exact',grad:false}); await o.losses.data(); o.losses.dispose();})).toFixed(2));
const ce=tf.valueAndGrad((s)=>tf.losses.softmaxCrossEntropy(oh,s));
console.log(name,'CE fwd+bwd', (await amed(async()=>{const {value,grad}=ce(S); await grad.data(); value.dispose(); grad.dispose();})).toFixed(2));
}
process.exit(0);
