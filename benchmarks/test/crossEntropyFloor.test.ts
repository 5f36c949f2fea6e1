import { createRequire } from 'node:module';
import { crossEntropyLoss } from '@topk/core';
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../src/data.js';
import { createGpujsCrossEntropy, type GpuJsModule } from '../src/gpujsCrossEntropyKernels.js';

const gpujs = createRequire(import.meta.url)('gpu.js') as GpuJsModule;

describe('the gpu.js cross-entropy floor', () => {
  // More classes than rows and more rows than classes: a kernel that indexes rows by the wrong width fails one of them.
  it.each([[3, 7], [7, 3]])('in cpu mode gives core\'s losses and gradient (batch %i, n %i)', async (rows, n) => {
    const batch = makeBatch(rows, n, 11, 3);
    const { losses, grad } = await createGpujsCrossEntropy(gpujs, 'cpu')(batch);
    const refGrad = new Float64Array(rows * n);
    const refLosses = crossEntropyLoss(batch.scores32, rows, n, batch.labels, refGrad);
    for (let i = 0; i < rows; i++) {
      expect(Math.abs(losses[i] - refLosses[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(refLosses[i])));
      for (let j = 0; j < n; j++) expect(Math.abs(grad[i][j] - refGrad[i * n + j])).toBeLessThan(1e-5);
    }
  });
});
