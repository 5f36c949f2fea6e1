// Importing @topk/gpujs loads neither gpu.js nor gl nor Dawn: they load when a mode is asked for.
import { createRequire } from 'node:module';
await import('@topk/gpujs');
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => /node_modules[\\/](gpu\.js|gl|webgpu)[\\/]/.test(path));
console.log(JSON.stringify({ loaded }));
