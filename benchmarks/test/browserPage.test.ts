/**
 * The benchmark page (`npm run bench:browser`) end to end in headless Chromium: the CLI builds
 * and serves the page, the page runs the smoke profile on every backend the browser has, and
 * the JSON it produces accounts for every backend, times each one, and agrees with core run
 * here in Node on the same batches.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoreBackend } from '@topk/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_BACKEND_NAMES } from '../browser/page/browserBackends.js';
import { PAGE_PROFILES } from '../browser/page/pageProfiles.js';
import type { PageState } from '../browser/page/pageState.js';
import type { PageReport } from '../browser/page/runBenchmark.js';
import { BatchCache, lossRequest } from '../src/speed.js';

const CLI = fileURLToPath(new URL('../dist/browser/cli.js', import.meta.url));
const CHROMIUM = process.env.TOPK_CHROMIUM ?? '/usr/bin/chromium';
/** SwiftShader gives headless Chromium WebGL 2 and a WebGPU adapter without a display or GPU. */
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader'];

/** Starts the CLI on a free port; resolves with the address it prints. */
function startServer(outDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--profile', 'smoke', '--out-dir', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Serving the benchmark page at (http:\/\/\S+?)\?/.exec(output);
      if (match) resolve({ child, url: match[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the page's server exited (${code}) before serving:\n${output}`)));
  });
}

describe('npm run bench:browser, in headless Chromium', () => {
  let dir: string;
  let server: { child: ChildProcess; url: string } | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let report: PageReport;
  let seconds: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: the page's smoke test drives a real browser. Install Debian's with ` +
          '`apt-get install -y --no-install-recommends chromium` (scripts/setup.sh does), or set TOPK_CHROMIUM to a Chromium executable.',
      );
    }
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the benchmarks first (npm run build -w benchmarks)`);
    dir = mkdtempSync(join(tmpdir(), 'topk-bench-page-'));
    server = await startServer(dir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    const started = Date.now();
    await page.goto(`${server.url}?profile=smoke&autorun=1`);
    await page.waitForFunction(() => window.topkBenchmark.state === 'done' || window.topkBenchmark.state === 'failed', null, { timeout: 280_000, polling: 500 });
    seconds = (Date.now() - started) / 1000;
    const state: PageState = await page.evaluate(() => window.topkBenchmark);
    expect(state.error, 'the page failed').toBeNull();
    report = state.report!;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is served cross-origin isolated, with the .wasm files of tfjs-backend-wasm', async () => {
    const index = await fetch(server!.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(index.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const wasm = await fetch(new URL('wasm/tfjs-backend-wasm-simd.wasm', server!.url));
    expect(wasm.status).toBe(200);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4)).toEqual(Uint8Array.from([0, 0x61, 0x73, 0x6d]));
    expect(report.environment.crossOriginIsolated).toBe(true);
  });

  it('accounts for every backend: found, or skipped with a reason', () => {
    const found = report.backends.found;
    const skipped = report.backends.skipped;
    expect([...found, ...skipped.map((s) => s.name)].sort()).toEqual([...PAGE_BACKEND_NAMES].sort());
    for (const s of skipped) expect(s.reason.length, s.name).toBeGreaterThan(10);
    // The backends that need nothing but JavaScript and WebAssembly run in any Chromium.
    for (const name of ['core', 'tfjs:cpu', 'tfjs:wasm', 'gpujs:cpu']) expect(found, `${name}: ${skipped.find((s) => s.name === name)?.reason}`).toContain(name);
    console.log(`benchmark page, smoke profile: ${seconds.toFixed(0)} s in headless Chromium; found ${found.join(', ')}; skipped ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ') || 'none'}`);
  });

  it('times every configuration of every backend it found, or says why not', () => {
    const { profile } = PAGE_PROFILES.smoke;
    expect(report.settings.ns).toEqual(profile.ns);
    for (const backend of report.backends.found) {
      const rows = report.speed.filter((r) => r.backend === backend);
      expect(rows.length, `${backend} has no timing at all`).toBeGreaterThan(0);
      for (const r of rows) {
        expect(Number.isFinite(r.medianMs) && r.medianMs > 0, `${backend} ${r.op} n=${r.n} k=${r.k}: ${r.medianMs}`).toBe(true);
        expect(r.samplesMs.length).toBe(r.reps);
      }
      for (const n of profile.ns) {
        for (const k of profile.ks) {
          for (const op of ['forward', 'forward+backward'] as const) {
            const timed = rows.some((r) => r.op === op && r.n === n && r.k === k);
            const reason = report.skippedConfigs.find((s) => s.backend === backend && s.op === op && s.n === n && s.k === k)?.reason;
            expect(timed || (reason !== undefined && reason.length > 0), `${backend} ${op} n=${n} k=${k}: neither timed nor skipped with a reason`).toBe(true);
          }
        }
      }
    }
  });

  it("checks each backend's losses against core's float64 losses within 1e-5", () => {
    for (const backend of report.backends.found.filter((b) => b !== 'core')) {
      for (const n of report.settings.ns) {
        for (const k of report.settings.ks) {
          const check = report.lossChecks.find((c) => c.backend === backend && c.n === n && c.k === k);
          expect(check, `${backend} n=${n} k=${k} was not checked`).toBeDefined();
          expect(check!.failure, `${backend} n=${n} k=${k}`).toBeUndefined();
          expect(check!.lossError!, `${backend} n=${n} k=${k} loss`).toBeLessThanOrEqual(1e-5);
          expect(check!.gradError!, `${backend} n=${n} k=${k} gradient`).toBeLessThanOrEqual(1e-5);
          expect(check!.passed).toBe(true);
        }
      }
    }
  });

  it('agrees with core run here in Node on the same batches (the page generates the same data)', async () => {
    const core = createCoreBackend();
    const cache = new BatchCache(report.settings.batch);
    expect(report.lossChecks.length).toBeGreaterThan(0);
    for (const check of report.lossChecks) {
      const { value } = await core.loss(lossRequest(cache.get(check.n), 'float64', check.k, false));
      // Core in the browser is the same float64 code on the same numbers: equal to rounding.
      expect(Math.abs(check.referenceValue! - value) / Math.max(1, Math.abs(value)), `${check.backend} n=${check.n} k=${check.k}`).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(check.value! - value) / Math.max(1, Math.abs(value)), `${check.backend} n=${check.n} k=${check.k}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('shows the table, the charts and a JSON download of the same figures', async () => {
    const table = (await page.locator('table.speed').textContent()) ?? '';
    for (const backend of report.backends.found) expect(table).toContain(backend);
    const charts = await page.locator('figure[data-chart] svg').count();
    expect(charts).toBe(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
    const downloaded = JSON.parse(readFileSync((await download.path())!, 'utf8')) as PageReport;
    expect(downloaded).toEqual(report);
  });
});
