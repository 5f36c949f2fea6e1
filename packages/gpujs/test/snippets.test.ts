/** The shared kernel snippets, and the kernel sources they are pasted into. */
import { describe, expect, it } from 'vitest';
import * as snippets from '../src/kernels/snippets.js';
import { kernelSource, type KernelThis } from '../src/kernels/kernelSource.js';
import { kernelSources } from '../src/kernels/kernelSet.js';

const { LOG_ZERO } = snippets;
const pow2 = Array.from(snippets.POW2);

describe('expOfMinusAbs', () => {
  it('is e^-|x| within 1e-7 relative for |x| <= 87, and e^-87 beyond', () => {
    for (let x = -87; x <= 87; x += 0.0137) {
      expect(Math.abs(snippets.expOfMinusAbs(x, pow2) / Math.exp(-Math.abs(x)) - 1)).toBeLessThan(1e-7);
    }
    expect(snippets.expOfMinusAbs(-1e6, pow2) / Math.exp(-87)).toBeCloseTo(1, 6);
  });
});

describe('log1pOfFraction', () => {
  it('is log(1 + e) within 1e-8 relative for e in (0, 1], on both sides of the series switch', () => {
    for (const e of [1e-30, 1e-8, 1e-3, 0.0499, 0.05, 0.0501, 0.3, 1]) {
      expect(Math.abs(snippets.log1pOfFraction(e) / Math.log1p(e) - 1)).toBeLessThan(1e-8);
    }
  });
});

describe('quotient', () => {
  it('is floor(a / b) for whole numbers, also where the division rounds up to the next whole number', () => {
    // With a float32 division, (a + 0.5) / b can round across a whole number: emulated by a copy
    // of the snippet whose Math.floor rounds its argument to float32 first.
    const float32Math = { floor: (x: number) => Math.floor(Math.fround(x)) };
    const rounded = new Function('Math', `return ${snippets.quotient.toString()}`)(float32Math) as typeof snippets.quotient;
    const cases: Array<[number, number]> = [];
    for (const b of [1, 2, 3, 7, 4097, 8191, 65535, 1048573]) {
      for (const a of [0, 1, b - 1, b, b + 1, 2 ** 24 - 1, 2 ** 24 - b, (2 ** 24 - 1) - ((2 ** 24 - 1) % b) - 1, (2 ** 24 - 1) - ((2 ** 24 - 1) % b)]) {
        if (a >= 0 && a < 2 ** 24) cases.push([a, b]);
      }
    }
    let roundedAcross = 0;
    for (const [a, b] of cases) {
      const want = Math.floor(a / b);
      expect(snippets.quotient(a, b), `${a} / ${b}`).toBe(want);
      expect(rounded(a, b), `${a} / ${b}, float32`).toBe(want);
      if (Math.floor(Math.fround((a + 0.5) / b)) !== want) roundedAcross++;
    }
    expect(roundedAcross, 'cases where the uncorrected float32 floor is off').toBeGreaterThan(0);
  });
});

// A kernel written as the kernel files write theirs: the snippets it calls declared, not imported.
declare const expOfMinusAbs: typeof snippets.expOfMinusAbs;
declare const log1pOfFraction: typeof snippets.log1pOfFraction;
declare const LOG_ZERO_BELOW: number;
function probeKernel(this: KernelThis, x: number[], table: number[]): number {
  const v = x[this.thread.x];
  const e = expOfMinusAbs(v, table);
  let l = log1pOfFraction(e);
  if (v < LOG_ZERO_BELOW) l = -1e30;
  return l;
}

describe('kernelSource', () => {
  it('pastes the snippets and constants into a kernel, which then computes log(1 + e^-|x|), and log 0 below LOG_ZERO_BELOW', () => {
    const source = kernelSource(probeKernel);
    expect(source).not.toMatch(/expOfMinusAbs|log1pOfFraction|LOG_ZERO/);
    const kernel = new Function(`return ${source}`)() as (this: KernelThis, x: number[], table: number[]) => number;
    const xs = [-3, -0.2, 0, 0.7, 20];
    xs.forEach((x, i) => {
      const value = kernel.call({ thread: { x: i, y: 0, z: 0 } }, xs, pow2);
      expect(Math.abs(value / Math.log1p(Math.exp(-Math.abs(x))) - 1)).toBeLessThan(1e-7);
    });
    expect(kernel.call({ thread: { x: 0, y: 0, z: 0 } }, [-1e30], pow2)).toBe(LOG_ZERO);
  });

  it('leaves no snippet call or constant name in the source gpu.js compiles, and writes e^-|x| out where the kernels need it', () => {
    const sources = kernelSources();
    for (const [role, source] of Object.entries(sources)) {
      expect(source, role).not.toMatch(/\b(expOfMinusAbs|log1pOfFraction|LOG_ZERO|LOG_ZERO_BELOW)\b/);
    }
    // The snippet's last line, its locals named after the kernel's variable.
    const polynomial = /pow2\[-i_\w+\]/g;
    expect(sources.headTailLeaves.match(polynomial)).toHaveLength(1);
    expect(sources.tiltedLevelOne.match(polynomial)).toHaveLength(2);
    expect(sources.tiltedGradient.match(polynomial)).toHaveLength(2);
    expect(sources.tiltedRowTerms).toMatch(/sp = l_sp;/);
    expect(sources.logEspLevelUp).toContain(`(${LOG_ZERO})`);
  });
});
