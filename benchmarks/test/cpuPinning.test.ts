/** Pinning the benchmark's main thread to CPUs (Linux, taskset). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowedCpus, parseCpuList, pinMainThread } from '../src/cpuPinning.js';

describe('parseCpuList', () => {
  it('reads single CPUs and ranges', () => {
    expect(parseCpuList('0,2-4,7\n')).toEqual([0, 2, 3, 4, 7]);
    expect(parseCpuList('3')).toEqual([3]);
  });
});

describe('pinMainThread', () => {
  const cpus = allowedCpus();
  // The kernel's own view of the main thread's affinity, independent of taskset's.
  const kernelView = () => parseCpuList(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

  it('knows the CPUs on Linux, and nothing elsewhere', () => {
    if (process.platform === 'linux') expect(cpus).toEqual(kernelView());
    else expect(cpus).toBeNull();
  });

  it.runIf(process.platform === 'linux')('pins the main thread to one CPU and lets it go again', () => {
    const last = cpus!.at(-1)!;
    pinMainThread([last]);
    try {
      expect(kernelView()).toEqual([last]);
    } finally {
      pinMainThread(cpus!);
    }
    expect(kernelView()).toEqual(cpus);
  });
});
