/**
 * The benchmark page: a form (profile, backends), a progress bar, then the report. Query
 * parameters preset the form: `profile=smoke|quick|full`, `backends=core,tfjs:wasm,...`, and
 * `autorun=1` starts at once. The run's state and report are also left on
 * `window.topkBenchmark` for scripts that drive the page (the smoke test does).
 */
import { PAGE_BACKEND_NAMES } from './browserBackends.js';
import { describeEnvironment } from './environment.js';
import { PAGE_PROFILE_NAMES, PAGE_PROFILES, pageProfile } from './pageProfiles.js';
import type { PageState } from './pageState.js';
import { runPageBenchmark } from './runBenchmark.js';
import { showReport } from './view.js';

const pageState: PageState = { state: 'idle', report: null, error: null, log: [] };
window.topkBenchmark = pageState;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

function setState(state: PageState['state']): void {
  pageState.state = state;
  document.documentElement.dataset.state = state;
}

/** Fills the form from the query string. */
function buildForm(params: URLSearchParams): void {
  const select = byId<HTMLSelectElement>('profile');
  const chosen = pageProfile(params.get('profile')).name;
  for (const name of PAGE_PROFILE_NAMES) {
    const option = new Option(`${name}: ${PAGE_PROFILES[name].summary}`, name, name === chosen, name === chosen);
    select.add(option);
  }
  const wanted = params.get('backends')?.split(',').map((s) => s.trim()).filter(Boolean);
  const list = byId('backends');
  for (const name of PAGE_BACKEND_NAMES) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    box.checked = wanted === undefined || wanted.some((w) => w === name || name.startsWith(`${w}:`));
    label.append(box, ` ${name}`);
    list.append(label);
  }
}

function chosenBackends(): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('#backends input:checked'), (box) => box.value);
}

async function run(): Promise<void> {
  const button = byId<HTMLButtonElement>('run');
  const bar = byId<HTMLProgressElement>('progress');
  const label = byId('progress-label');
  const log = byId('log');
  button.disabled = true;
  setState('running');
  pageState.log = [];
  log.textContent = '';
  const profile = pageProfile(byId<HTMLSelectElement>('profile').value);
  try {
    label.textContent = 'looking at the browser';
    const environment = await describeEnvironment();
    const report = await runPageBenchmark(profile, chosenBackends(), {
      environment,
      wasmPath: new URL('wasm/', document.baseURI).href,
      onProgress: ({ done, total, label: text }) => {
        bar.max = total;
        bar.value = done;
        label.textContent = `${done}/${total} ${text}`;
      },
      onLog: (line) => {
        pageState.log.push(line);
        log.textContent += `${line}\n`;
      },
    });
    label.textContent = `done in ${report.durationSeconds.toFixed(0)} s; drawing the charts`;
    await showReport(byId('report'), report);
    label.textContent = `done in ${report.durationSeconds.toFixed(0)} s`;
    pageState.report = report;
    setState('done');
  } catch (error) {
    pageState.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    label.textContent = `failed: ${pageState.error.split('\n')[0]}`;
    setState('failed');
  } finally {
    button.disabled = false;
  }
}

const params = new URLSearchParams(location.search);
buildForm(params);
byId('run').addEventListener('click', () => void run());
setState('idle');
if (params.get('autorun') === '1') void run();
