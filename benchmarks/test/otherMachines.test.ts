import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceLabel, findOtherMachineRuns, summariseOtherMachine, type OtherMachineRun } from '../src/otherMachines.js';
import type { BenchmarkReport } from '../src/report.js';

function timing(backend: string, n: number, k: number, medianMs: number) {
  return { backend, op: 'forward+backward', batch: 256, n, k, reps: 5, warmupMs: 0, medianMs, madMs: 0, samplesMs: [medianMs] };
}

function report(cudaDevice: string | null): BenchmarkReport {
  return {
    schema: 'topk-benchmark/1',
    profile: 'gpu',
    startedAt: '2026-01-01T00:00:00.000Z',
    settings: { batch: 256 },
    machine: {
      cpuModel: 'Some CPU', cores: 16, memoryGiB: 1, node: 'v20', platform: 'linux',
      loadAverage: { start: 0.5, end: 1 },
      adapters: [{ backend: 'core', precision: 'float64', description: null, floor: '' }, { backend: 'gpujs:webgpu', precision: 'float32', description: 'Dawn: some GPU', floor: '' }],
    },
    speed: [timing('core', 1000, 5, 8), timing('gpujs:webgpu', 1000, 5, 4), timing('tfjs:webgpu', 1000, 5, 40), timing('core', 10000, 5, 100), timing('tfjs:webgpu', 10000, 5, 50)],
    pytorch: cudaDevice === null ? null : { cudaDevice, speed: [timing('pytorch (cuda)', 1000, 5, 16)] },
  } as unknown as BenchmarkReport;
}

describe('runs saved from other machines', () => {
  it('are labelled with the CUDA device torch saw, else the GPU adapter a backend reported', () => {
    expect(deviceLabel(report('NVIDIA X'))).toBe('NVIDIA X (Some CPU, 16 cores)');
    expect(deviceLabel(report(null))).toBe('Dawn: some GPU (Some CPU, 16 cores)');
  });

  it('show each backend\'s forward+backward median and the fastest of ours against core and CUDA PyTorch', () => {
    const run: OtherMachineRun = { folder: 'gpu-box', report: report('NVIDIA X') };
    const summary = summariseOtherMachine(run, 'benchmarks');
    expect(summary.header).toEqual(['n', 'k', 'core', 'gpujs:webgpu', 'tfjs:webgpu', 'pytorch (cuda)', 'fastest of ours', '/ core', '/ pytorch (cuda)']);
    // n = 1000: gpujs 4 ms is fastest; 4 / 8 against core, 4 / 16 against CUDA.
    expect(summary.rows[0]).toEqual(['1000', '5', '8.00', '4.00', '40.0', '16.0', 'gpujs:webgpu', '0.50', '0.25']);
    // n = 10000: gpujs and CUDA did not run; tfjs 50 ms against core's 100.
    expect(summary.rows[1]).toEqual(['10000', '5', '100', '-', '50.0', '-', 'tfjs:webgpu', '0.50', '-']);
    expect(summary.intro).toContain('[benchmarks/gpu-box/benchmarks.md](benchmarks/gpu-box/benchmarks.md)');
  });

  it('are found in the folders of the output directory that hold a saved report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'topk-other-'));
    try {
      await mkdir(join(dir, 'b-box'));
      await writeFile(join(dir, 'b-box', 'results.json'), JSON.stringify(report('NVIDIA X')));
      await mkdir(join(dir, 'a-empty'));
      await mkdir(join(dir, 'c-other'));
      await writeFile(join(dir, 'c-other', 'results.json'), JSON.stringify({ schema: 'something else' }));
      await writeFile(join(dir, 'results.json'), JSON.stringify(report(null)));
      const runs = await findOtherMachineRuns(dir, 'results.json');
      expect(runs.map((r) => r.folder)).toEqual(['b-box']);
      expect(await findOtherMachineRuns(join(dir, 'missing'), 'results.json')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
