/**
 * The page's run: for each backend in turn, start it, time the speed grid (the Node benchmark's
 * `runSpeedGrid`), check its losses against core on the same batches, time it head to head with
 * core, and release it. Produces the report the page shows and offers as JSON.
 */
import { createCoreBackend } from '@topk/core';
import type { FoundBackend, SkippedBackend } from '../../src/backends.js';
import { runHeadToHead, type HeadToHeadResult, type HeadToHeadSkip } from '../../src/headToHead.js';
import type { Profile } from '../../src/profiles.js';
import { computeRatios, type Ratio } from '../../src/ratios.js';
import { BatchCache, runSpeedGrid, type SkippedConfig, type SpeedResult } from '../../src/speed.js';
import { yieldToEventLoop } from '../../src/stats.js';
import { startBackend, reasonOf, type StartOptions } from './browserBackends.js';
import type { BrowserEnvironment } from './environment.js';
import { checkAgainstCore, CoreReference, type LossCheck } from './lossCheck.js';
import type { PageProfile, PageProfileName } from './pageProfiles.js';

/** Everything one run of the page measured: the JSON the page offers for download. */
export interface PageReport {
  readonly schema: 'topk-benchmark-browser/1';
  readonly profile: PageProfileName;
  readonly startedAt: string;
  durationSeconds: number;
  readonly environment: BrowserEnvironment;
  readonly settings: Profile;
  readonly backends: { found: string[]; skipped: SkippedBackend[] };
  /** Backends that ran, with the device each reported and the cross-entropy floor it was compared with. */
  readonly adapters: { backend: string; precision: string; description: string | null; floor: string }[];
  readonly speed: SpeedResult[];
  readonly skippedConfigs: SkippedConfig[];
  ratios: Ratio[];
  readonly headToHead: { results: HeadToHeadResult[]; skipped: HeadToHeadSkip[] };
  /** Each backend's losses and gradient on its timed batches against core's (float64). */
  readonly lossChecks: LossCheck[];
}

/** Where the run is. */
export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly label: string;
}

/** Options of {@link runPageBenchmark}. */
export interface RunOptions extends StartOptions {
  readonly environment: BrowserEnvironment;
  /** Called after each step. */
  readonly onProgress: (progress: Progress) => void;
  /** Called with one line per backend as it starts or is skipped. */
  readonly onLog?: (line: string) => void;
}

/** The (n, k) pairs of a profile, smallest n first (k must be below n). */
function configurations(profile: Profile): { n: number; k: number }[] {
  return profile.ns.flatMap((n) => profile.ks.filter((k) => k <= n - 1).map((k) => ({ n, k })));
}

/** Progress steps of one backend: start, grid (cross-entropy and two per (n, k)), loss checks, head to head. */
function stepsOf(name: string, profile: Profile): number {
  const pairs = configurations(profile).length;
  return 1 + profile.ns.length + 2 * pairs + (name === 'core' ? 0 : pairs + 1);
}

/** Runs the page's benchmark on `names` (core is always created, as the reference, and timed when named). */
export async function runPageBenchmark(pageProfile: PageProfile, names: readonly string[], options: RunOptions): Promise<PageReport> {
  const { profile } = pageProfile;
  const started = Date.now();
  const report: PageReport = {
    schema: 'topk-benchmark-browser/1',
    profile: pageProfile.name,
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    environment: options.environment,
    settings: profile,
    backends: { found: [], skipped: [] },
    adapters: [],
    speed: [],
    skippedConfigs: [],
    ratios: [],
    headToHead: { results: [], skipped: [] },
    lossChecks: [],
  };
  const total = names.reduce((sum, name) => sum + stepsOf(name, profile), 0);
  let done = 0;
  const step = (label: string) => options.onProgress({ done: Math.min(++done, total), total, label });
  const log = options.onLog ?? (() => undefined);
  const cache = new BatchCache(profile.batch);
  const core = createCoreBackend({ threads: 1 });
  const reference = new CoreReference(core, cache);

  for (const name of names) {
    const end = done + stepsOf(name, profile);
    options.onProgress({ done, total, label: `starting ${name}` });
    await yieldToEventLoop();
    let found: FoundBackend;
    try {
      found = await startBackend(name, options);
    } catch (error) {
      report.backends.skipped.push({ name, reason: reasonOf(error) });
      log(`skipped ${name}: ${reasonOf(error)}`);
      done = end;
      options.onProgress({ done, total, label: `${name} skipped` });
      continue;
    }
    log(`found ${name}${found.description ? `: ${found.description}` : ''}`);
    report.backends.found.push(name);
    report.adapters.push({ backend: name, precision: found.backend.precision, description: found.description ?? null, floor: found.floorNote });
    step(`${name} started`);
    try {
      const grid = await runSpeedGrid(profile, found, cache, step);
      report.speed.push(...grid.results);
      report.skippedConfigs.push(...grid.skipped);
      if (name !== 'core') {
        for (const { n, k } of configurations(profile)) {
          report.lossChecks.push(await checkAgainstCore(found, reference, cache, n, k));
          step(`${name} losses against core at n=${n} k=${k}`);
          await yieldToEventLoop();
        }
        try {
          report.headToHead.results.push(await runHeadToHead(found, core, cache, profile.headToHead, profile.warmupMinMs));
        } catch (error) {
          report.headToHead.skipped.push({ backend: name, reason: `failed: ${reasonOf(error)}` });
        }
        step(`${name} head to head with core`);
      }
    } finally {
      try {
        await found.backend.dispose();
      } catch {
        // releasing is best effort; the figures are taken
      }
    }
    done = end;
    options.onProgress({ done, total, label: `${name} done` });
  }
  await core.dispose();
  report.ratios = computeRatios(report.speed);
  report.durationSeconds = (Date.now() - started) / 1000;
  return report;
}
