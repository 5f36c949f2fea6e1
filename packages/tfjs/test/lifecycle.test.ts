/**
 * Life cycle of a TfjsBackend: it computes on its own TF.js backend and leaves the user's active
 * backend as it was; used after dispose() it throws BackendDisposedError; disposing the last one
 * on WebGPU releases the device, so that Node exits by itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { BackendDisposedError, CoreBackend } from '@topk/core';
import { createTfjsBackend, crossEntropyOnBackend } from '../src/index.js';

const request = { scores: new Float32Array([2, 1, 0.5, -1, 0, 3, 1, 1]), shape: [2, 4] as [number, number], labels: [0, 2], k: 2, grad: true };

describe('a TfjsBackend and the global TF.js backend', () => {
  it("computes on its own backend and leaves the user's active backend unchanged, across async reads", async () => {
    await tf.setBackend('cpu');
    const wasm = await createTfjsBackend('wasm');
    expect(tf.getBackend()).toBe('cpu');
    const reference = await new CoreBackend().loss({ ...request, scores: Float64Array.from(request.scores) });
    // Several calls in flight at once, and the user switching backend while they are.
    const pending = [wasm.loss(request), wasm.loss(request), wasm.logEsp({ x: new Float32Array([0, 1, 2]), shape: [1, 3], K: 2 })];
    expect(tf.getBackend()).toBe('cpu');
    await tf.setBackend('wasm');
    await tf.setBackend('cpu');
    const [first, second] = (await Promise.all(pending)) as [Awaited<ReturnType<typeof wasm.loss>>, Awaited<ReturnType<typeof wasm.loss>>];
    expect(tf.getBackend()).toBe('cpu');
    for (const result of [first, second]) for (let i = 0; i < 2; i++) expect(Math.abs(result.losses[i] - reference.losses[i])).toBeLessThan(1e-5);
    await crossEntropyOnBackend(wasm, request.scores, [2, 4], request.labels);
    expect(tf.getBackend()).toBe('cpu');
    wasm.dispose();
  });

  it('throws BackendDisposedError on every entry point after dispose(), on cpu, wasm and webgpu', async () => {
    for (const name of ['cpu', 'wasm', 'webgpu'] as const) {
      const backend = await createTfjsBackend(name);
      backend.dispose();
      backend.dispose(); // repeating dispose() is harmless
      await expect(backend.loss(request)).rejects.toThrow(BackendDisposedError);
      await expect(backend.logEsp({ x: new Float32Array([0, 1]), shape: [1, 2], K: 1 })).rejects.toThrow(BackendDisposedError);
      await expect(crossEntropyOnBackend(backend, request.scores, [2, 4], request.labels)).rejects.toThrow(BackendDisposedError);
    }
    // A new object on the same backend works (WebGPU's is initialised afresh).
    const again = await createTfjsBackend('webgpu');
    expect((await again.loss(request)).losses).toHaveLength(2);
    again.dispose();
  }, 120_000);
});

describe('disposing the last TfjsBackend on WebGPU', () => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  it('lets a Node process that computed one loss on tfjs:webgpu exit by itself', async () => {
    expect(existsSync(dist), 'packages/tfjs/dist is built (npm run build)').toBe(true);
    const script = `
      import { createTfjsBackend } from ${JSON.stringify(dist)};
      const backend = await createTfjsBackend('webgpu');
      const result = await backend.loss({ scores: new Float32Array([2, 1, 0.5, -1]), shape: [1, 4], labels: [0], k: 2 });
      console.log(result.losses[0]);
      backend.dispose();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // Without the release, Dawn keeps the process alive indefinitely; 60 s is ample for start-up on llvmpipe.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(Math.abs(Number(stdout.trim()) - 0.7422865)).toBeLessThan(1e-5);
  }, 90_000);
});
