/**
 * Which tail kernels the smooth loss gets: the unrolled (generated) ones for every k up to and
 * including MAX_SPECIALIZED_K, the plain loops beyond it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SPECIALIZED_K, tailKernels } from '../src/loss/tailKernels.js';

describe('the choice of tail kernels', () => {
  it('k = MAX_SPECIALIZED_K still gets the generated kernels; k = MAX_SPECIALIZED_K + 1 the plain loops', () => {
    const atLimit = tailKernels(MAX_SPECIALIZED_K);
    for (const kernel of [atLimit.forward, atLimit.forwardWithPrefix, atLimit.backward]) expect(kernel.name).toBe('anonymous');
    const beyond = tailKernels(MAX_SPECIALIZED_K + 1);
    expect([beyond.forward.name, beyond.forwardWithPrefix.name, beyond.backward.name]).toEqual(['forward', 'forwardWithPrefix', 'backward']);
  });
});
