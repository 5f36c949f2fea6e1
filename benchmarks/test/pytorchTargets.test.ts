/** Core's targets against the official PyTorch code, read from the head to head or from the speed grid. */
import { describe, expect, it } from 'vitest';
import { checkTargets, type BenchmarkReport } from '../src/report.js';
import { contenderRatio, fastestPytorch, type PytorchHeadToHeadResult } from '../src/pytorchHeadToHead.js';
import type { SpeedResult } from '../src/speed.js';
import { summarise } from '../src/stats.js';

/** A contender whose blocks took these medians, round by round. */
function contender(name: string, roundMedians: number[]) {
  return { name, ms: summarise(roundMedians), roundMedians };
}

function headToHead(contenders: ReturnType<typeof contender>[]): PytorchHeadToHeadResult {
  return { core: contenders[0].name, torchVersion: 'x', batch: 256, n: 1000, k: 5, rounds: 3, block: 5, contenders, pinnedTo: null, load: { block: 'b', seconds: 1, loadAverage: { start: 0, end: 0 }, otherCores: 0 } };
}

function speed(backend: string, ms: number): SpeedResult {
  return { backend, op: 'forward+backward', batch: 256, n: 1000, k: 5, reps: 1, warmupMs: 0, ...summarise([ms]) };
}

function report(fields: Partial<BenchmarkReport>): BenchmarkReport {
  return { speed: [], pytorch: null, pytorchNote: 'not asked for', backends: { found: [], skipped: [] }, loads: [], ...fields } as unknown as BenchmarkReport;
}

const FIVE = /at least 5x faster than the official PyTorch \(1 thread\)/;
const TEN = /on its threads at least 10x faster/;
const checkOf = (r: BenchmarkReport, pattern: RegExp) => checkTargets(r).find((t) => pattern.test(t.target))!;

describe('the PyTorch head to head', () => {
  // One comparison per core backend, each with its own PyTorch figures.
  const h2h = headToHead([contender('core', [6, 6, 5]), contender('pytorch (1 thread)', [50, 60, 40]), contender('pytorch (2 threads)', [40, 30, 45])]);
  const h2hThreads = headToHead([contender('core:threads', [3.5, 4, 3]), contender('pytorch (1 thread)', [52, 60, 40]), contender('pytorch (2 threads)', [40, 30, 45])]);

  it('divides medians, and gives the range of the round-by-round ratios', () => {
    const r = contenderRatio(h2h, 'pytorch (1 thread)', 'core')!;
    expect(r.ratio).toBeCloseTo(50 / 6, 3);
    expect(r.byRound[0]).toBeCloseTo(40 / 5, 3);
    expect(r.byRound[1]).toBeCloseTo(60 / 6, 3);
    expect(contenderRatio(h2h, 'pytorch (1 thread)', 'gpujs:webasm')).toBeUndefined();
  });

  it('takes the official code at its fastest thread count', () => {
    expect(fastestPytorch(h2h)?.name).toBe('pytorch (2 threads)');
    expect(fastestPytorch(headToHead([contender('core', [6]), contender('pytorch (1 thread)', [30]), contender('pytorch (2 threads)', [40])]))?.name).toBe('pytorch (1 thread)');
  });

  it('reads each target from the comparison of its own core backend', () => {
    // core:threads' comparison has PyTorch (1 thread) at 52 ms: the 5x target must not read it.
    expect(checkOf(report({ pytorchHeadToHead: [h2hThreads, h2h] }), FIVE).measured).toMatch(/^pytorch \(1 thread\) 50\.0 ms \/ core 6\.0 ms/);
  });

  it('decides both targets when the run has it, whatever the speed grid says', () => {
    const r = report({ pytorchHeadToHead: [h2h, h2hThreads], speed: [speed('core', 20), speed('core:threads', 20)] });
    expect(checkOf(r, FIVE)).toMatchObject({ met: true });
    expect(checkOf(r, FIVE).measured).toMatch(/^pytorch \(1 thread\) 50\.0 ms \/ core 6\.0 ms = 8\.33x, head to head \(rounds: 8\.00-10\.00x\)$/);
    // 40 ms (2 threads) over 3.5 ms: 11.4x.
    expect(checkOf(r, TEN)).toMatchObject({ met: true });
    expect(checkOf(r, TEN).measured).toMatch(/^pytorch \(2 threads\) 40\.0 ms \/ core:threads 3\.5 ms = 11\.43x/);
  });

  it('reads a target as missed below its ratio', () => {
    const slow = [
      headToHead([contender('core', [12, 12, 12]), contender('pytorch (1 thread)', [50, 50, 50]), contender('pytorch (2 threads)', [36, 36, 36])]),
      headToHead([contender('core:threads', [4, 4, 4]), contender('pytorch (1 thread)', [50, 50, 50]), contender('pytorch (2 threads)', [36, 36, 36])]),
    ];
    expect(checkOf(report({ pytorchHeadToHead: slow }), FIVE)).toMatchObject({ met: false });
    expect(checkOf(report({ pytorchHeadToHead: slow }), TEN)).toMatchObject({ met: false });
  });

  it('leaves a target unmeasured when its side of core did not run', () => {
    const single = headToHead([contender('core', [6, 6, 6]), contender('pytorch (1 thread)', [50, 50, 50])]);
    expect(checkOf(report({ pytorchHeadToHead: [single] }), FIVE)).toMatchObject({ met: true });
    expect(checkOf(report({ pytorchHeadToHead: [single] }), TEN)).toMatchObject({ met: null, measured: 'core:threads did not run' });
  });
});

describe('without a PyTorch head to head', () => {
  it('compares the speed grid\'s figures', () => {
    const pytorch = { speed: [speed('pytorch (1 thread)', 60), speed('pytorch (2 threads)', 40)] } as unknown as BenchmarkReport['pytorch'];
    const r = report({ pytorch, speed: [speed('core', 6), speed('core:threads', 5)] });
    expect(checkOf(r, FIVE)).toMatchObject({ met: true, measured: 'PyTorch 60.0 ms / core 6.0 ms = 10.00x' });
    expect(checkOf(r, TEN)).toMatchObject({ met: false, measured: 'pytorch (2 threads) 40.0 ms / core:threads 5.0 ms = 8.00x' });
  });

  it('says PyTorch did not run when it was not asked for', () => {
    expect(checkOf(report({ speed: [speed('core', 6)] }), FIVE)).toMatchObject({ met: null, measured: 'core 6.0 ms; PyTorch not run (not asked for)' });
  });
});
