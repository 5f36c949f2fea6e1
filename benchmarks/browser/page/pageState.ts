/** What the page leaves on `window.topkBenchmark` for scripts that drive it (the smoke test does). */
import type { PageReport } from './runBenchmark.js';

/** The run's state, its report when done, its error when failed, and the backends' start-up lines. */
export interface PageState {
  state: 'idle' | 'running' | 'done' | 'failed';
  report: PageReport | null;
  error: string | null;
  log: string[];
}

declare global {
  interface Window {
    topkBenchmark: PageState;
  }
}
