/** Which shapes the loss computes in rescaled linear space, and which keep the log-space kernels. */
import { describe, expect, it } from 'vitest';
import { linearBoundOk } from '../src/linearPlan.js';

describe('linearBoundOk', () => {
  it('takes linear space where every coefficient C(leaves, m), m <= k, stays below 1e30', () => {
    expect(linearBoundOk(1000, 5)).toBe(true); // C(1024, 5) = 9e12
    expect(linearBoundOk(5000, 5)).toBe(true); // C(8192, 5) = 3e17
    expect(linearBoundOk(60, 59)).toBe(true); // C(64, 32) = 1.8e18 bounds every degree
    expect(linearBoundOk(100000, 5)).toBe(true); // C(131072, 5) = 3e23
  });

  it('keeps log space where a coefficient could overflow float32, and for rows of up to 4 entries', () => {
    expect(linearBoundOk(4097, 40)).toBe(false); // C(8192, 40) ~ 1e109
    expect(linearBoundOk(300, 60)).toBe(false); // C(512, 60) ~ 1e77
    expect(linearBoundOk(100000, 8)).toBe(false); // C(131072, 8) ~ 4e36
    expect(linearBoundOk(2, 1)).toBe(false);
    expect(linearBoundOk(4, 3)).toBe(false);
    expect(linearBoundOk(5, 4)).toBe(true);
  });
});
