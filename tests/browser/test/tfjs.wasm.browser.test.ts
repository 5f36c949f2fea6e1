/**
 * tfjs:wasm in the page. The .wasm binaries are served by Vite (`?url` imports) and named to
 * the backend with setWasmPaths, as a Vite app does; without them the backend cannot start.
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { createTfjsBackend } from '@topk/tfjs';
import { describeBrowserBackend } from './backendSuite.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasm, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd });

describeBrowserBackend({ name: 'tfjs:wasm', createBackend: () => createTfjsBackend('wasm'), numRuns: 10 });
