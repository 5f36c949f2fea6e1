/**
 * What only a whole process shows, each case in a child process of its own (a crash there cannot
 * take down the test run): importing the package loads no framework; after `dispose()` of the
 * last gpujs:webgpu backend nothing keeps Node alive; a missing peer dependency is named; and
 * headless GL and Dawn in one process give a typed error from whichever comes second, in either
 * order, with nothing escaping a promise. The scripts in test/processes/ import the built
 * package (dist/).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const scripts = fileURLToPath(new URL('./processes/', import.meta.url));

interface Run {
  status: number | null;
  signal: string | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

/** Runs a script under Node (under `xvfb-run -a` when `display`), killed after `timeoutMs`. */
function runScript(script: string, args: string[], timeoutMs: number, display = false): Promise<Run> {
  const command = display ? 'xvfb-run' : process.execPath;
  const argv = display ? ['-a', process.execPath, scripts + script, ...args] : [scripts + script, ...args];
  return new Promise((resolve) => {
    execFile(command, argv, { timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, EGL_PLATFORM: 'surfaceless' } }, (error, stdout, stderr) => {
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, signal: error?.signal ?? null, lines, stderr });
    });
  });
}

describe('@topk/gpujs in a process', () => {
  it('importing the package loads neither gpu.js, gl nor Dawn', async () => {
    const run = await runScript('importsNothing.mjs', [], 30_000);
    expect(run.status).toBe(0);
    expect(run.lines).toEqual([{ loaded: [] }]);
  }, 60_000);

  it.each(['webgpu', 'webasm'])('gpujs:%s: one loss, dispose, and the process exits by itself; later calls throw BackendDisposedError', async (mode) => {
    const run = await runScript('oneLossThenDispose.mjs', [mode], 60_000);
    // Killed at the timeout: status null, signal SIGKILL.
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0].afterDispose).toBe('BackendDisposedError');
    // Core's float64 loss of this row ([1, 2, 3, 0.5], label 0, k 2, tau 1, alpha 1).
    expect(run.lines[0].value as number).toBeCloseTo(1.6417232, 5);
  }, 120_000);

  it('two gpujs:webgpu backends: the second computes after the first is disposed, and the process exits after both', async () => {
    const run = await runScript('twoWebGpuBackends.mjs', [], 60_000);
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    const { values } = run.lines[0] as { values: number[] };
    expect(values).toHaveLength(3);
    for (const value of values) expect(value).toBeCloseTo(1.6417232, 5);
  }, 120_000);
});

describe('missing peer dependencies', () => {
  it('without @topk/webgpu-node or gl: webgpu and headlessgl throw BackendUnavailableError naming the package to install; webasm still runs', async () => {
    const run = await runScript('withoutPackages.mjs', ['@topk/webgpu-node,gl', 'webgpu', 'headlessgl', 'webasm'], 60_000, true);
    expect(run.status).toBe(0);
    expect(run.lines[0]).toMatchObject({ mode: 'webgpu', error: 'BackendUnavailableError' });
    expect(run.lines[0].message).toContain('npm install @topk/webgpu-node');
    expect(run.lines[1]).toMatchObject({ mode: 'headlessgl', error: 'BackendUnavailableError' });
    expect(run.lines[1].message).toContain('npm install gl');
    expect(run.lines[2]).toEqual({ mode: 'webasm', created: 'gpujs:webasm' });
  }, 120_000);

  it('without gpu.js: every mode throws BackendUnavailableError naming gpu.js', async () => {
    const run = await runScript('withoutPackages.mjs', ['gpu.js', 'webasm', 'cpu'], 60_000);
    expect(run.status).toBe(0);
    for (const line of run.lines) {
      expect(line).toMatchObject({ error: 'BackendUnavailableError' });
      expect(line.message).toContain('npm install gpu.js');
    }
    expect(run.lines).toHaveLength(2);
  }, 120_000);
});

describe('headless GL and Dawn in one process', () => {
  const conflict = /unavailable: .*(headless GL|Dawn).*separate processes/;

  it('webgpu first: gpujs:headlessgl gets BackendUnavailableError naming the Dawn device (no X error)', async () => {
    const run = await runScript('twoModes.mjs', ['webgpu', 'headlessgl'], 120_000, true);
    expect(run.status).toBe(0);
    expect(run.lines[0]).toMatchObject({ mode: 'webgpu' });
    expect(typeof run.lines[0].value).toBe('number');
    expect(run.lines[1]).toMatchObject({ mode: 'headlessgl', error: 'BackendUnavailableError' });
    expect(run.lines[1].message).toMatch(conflict);
    expect(run.lines[1].message).toMatch(/gpujs:webgpu created a Dawn/);
  }, 180_000);

  it('headlessgl first: gpujs:webgpu gets BackendUnavailableError naming headless GL', async () => {
    const run = await runScript('twoModes.mjs', ['headlessgl', 'webgpu'], 120_000, true);
    expect(run.status).toBe(0);
    expect(typeof run.lines[0].value).toBe('number');
    expect(run.lines[1]).toMatchObject({ mode: 'webgpu', error: 'BackendUnavailableError' });
    expect(run.lines[1].message).toMatch(/gpujs:headlessgl created a headless GL context/);
  }, 180_000);

  it("another package's Dawn device first (as tfjs:webgpu makes one): gpujs:headlessgl gets BackendUnavailableError", async () => {
    const run = await runScript('dawnDeviceThenGl.mjs', [], 120_000, true);
    expect(run.status).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatchObject({ error: 'BackendUnavailableError' });
    expect(run.lines[0].message).toMatch(/another package set up Dawn/);
  }, 180_000);

  it('both created before any call: the webgpu call rejects with the typed error, nothing escapes, headless GL still computes', async () => {
    const run = await runScript('twoModes.mjs', ['--create-first', 'webgpu', 'headlessgl'], 120_000, true);
    expect(run.status).toBe(0);
    expect(run.lines.some((line) => 'escaped' in line)).toBe(false);
    expect(run.lines.slice(0, 2)).toEqual([
      { mode: 'webgpu', value: 'created' },
      { mode: 'headlessgl', value: 'created' },
    ]);
    expect(run.lines[2]).toMatchObject({ mode: 'webgpu', error: 'BackendUnavailableError' });
    expect(run.lines[3]).toMatchObject({ mode: 'headlessgl' });
    expect(typeof run.lines[3].value).toBe('number');
  }, 180_000);
});
