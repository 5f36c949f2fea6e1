/**
 * Where worker threads come from: Node's `worker_threads`, or Web Workers in a browser page
 * that may share memory (`crossOriginIsolated`). Node's modules are reached through
 * `process.getBuiltinModule`, never imported, so that a browser bundle of `@topk/core` contains
 * no `node:` import; the worker module is named as `new URL('./rowWorker.js', import.meta.url)`,
 * the form bundlers follow to emit it beside the bundle.
 */
import type { RowTaskMessage, WorkerReply } from './protocol.js';

/** What a thread reports to its pool. */
export interface ThreadEvents {
  /** A reply of the worker. */
  message(reply: WorkerReply): void;
  /** The thread failed (could not load, ran out of memory, exited): it takes no more tasks. */
  failure(error: Error): void;
}

/** One worker thread, as the pool drives it. */
export interface RowThread {
  post(message: RowTaskMessage): void;
  /** Keeps the process alive while the thread has work (Node); no-op in browsers. */
  ref(): void;
  /** Lets the process end while the thread is idle (Node); no-op in browsers. */
  unref(): void;
  /** Ends the thread; resolves once it has stopped. */
  terminate(): Promise<void>;
}

/** A way to start worker threads. */
export interface ThreadHost {
  /** `worker_threads` (Node) or `web-workers` (browser). */
  readonly kind: 'worker_threads' | 'web-workers';
  /** Threads the machine runs in parallel (`os.availableParallelism()`, `navigator.hardwareConcurrency`). */
  readonly parallelism: number;
  spawn(events: ThreadEvents): RowThread;
}

type NodeProcess = { getBuiltinModule?: (id: string) => unknown };

/** The thread host of this environment, or undefined where threads cannot share memory. */
export function defaultThreadHost(): ThreadHost | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return undefined;
  const nodeProcess = (globalThis as { process?: NodeProcess }).process;
  if (typeof nodeProcess?.getBuiltinModule === 'function') {
    const threads = nodeProcess.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads') | undefined;
    const os = nodeProcess.getBuiltinModule('node:os') as typeof import('node:os') | undefined;
    if (threads && os) return nodeThreadHost(threads, os.availableParallelism());
  }
  const web = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (typeof web.Worker === 'function' && web.crossOriginIsolated === true) {
    return webThreadHost(web.navigator?.hardwareConcurrency ?? 1);
  }
  return undefined;
}

function nodeThreadHost(threads: typeof import('node:worker_threads'), parallelism: number): ThreadHost {
  return {
    kind: 'worker_threads',
    parallelism,
    spawn(events) {
      // No inherited Node options: the worker runs only this package's JavaScript, and options
      // meant for the main script (`--input-type`, loaders) would stop it from loading.
      const worker = new threads.Worker(new URL('./rowWorker.js', import.meta.url), { execArgv: [] });
      worker.on('message', (reply: WorkerReply) => events.message(reply));
      worker.on('error', (error: Error) => events.failure(error));
      worker.on('exit', (code) => events.failure(new Error(`worker thread exited with code ${code}`)));
      return {
        post: (message) => worker.postMessage(message),
        ref: () => worker.ref(),
        unref: () => worker.unref(),
        terminate: async () => {
          await worker.terminate();
        },
      };
    },
  };
}

function webThreadHost(parallelism: number): ThreadHost {
  return {
    kind: 'web-workers',
    parallelism,
    spawn(events) {
      const worker = new Worker(new URL('./rowWorker.js', import.meta.url), { type: 'module' });
      worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => events.message(event.data));
      worker.addEventListener('error', (event: ErrorEvent) => {
        event.preventDefault();
        events.failure(new Error(event.message || 'worker failed to load ./rowWorker.js'));
      });
      worker.addEventListener('messageerror', () => events.failure(new Error('worker could not read a message')));
      return {
        post: (message) => worker.postMessage(message),
        ref: () => {},
        unref: () => {},
        terminate: async () => worker.terminate(),
      };
    },
  };
}
