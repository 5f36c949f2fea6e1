/**
 * The worker thread of `CoreBackend`: computes the chunks of rows it claims
 * ({@link computeClaimedChunks}). The same module serves Node's `worker_threads` (reached through
 * `process.getBuiltinModule`, so that browser bundles never import it) and Web Workers.
 */
import { computeClaimedChunks } from './chunks.js';
import type { RowTaskMessage, WorkerReply } from './protocol.js';

interface ReplyPort {
  postMessage(reply: WorkerReply): void;
}

/** Computes chunks of the task until none is left, then says so. */
function runTask(message: RowTaskMessage, port: ReplyPort): void {
  const { id, task, control, chunkRows } = message;
  try {
    computeClaimedChunks(task, control, chunkRows);
  } catch (error) {
    const { name, message: text, stack } = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ kind: 'error', id, name, message: text, stack });
    return;
  }
  port.postMessage({ kind: 'done', id });
}

const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
const nodeThreads =
  typeof nodeProcess?.getBuiltinModule === 'function'
    ? (nodeProcess.getBuiltinModule('node:worker_threads') as typeof import('node:worker_threads') | undefined)
    : undefined;
const nodePort = nodeThreads?.parentPort;

if (nodePort) {
  nodePort.on('message', (message: RowTaskMessage) => runTask(message, nodePort));
  nodePort.postMessage({ kind: 'ready' } satisfies WorkerReply);
} else {
  const scope = globalThis as unknown as ReplyPort & {
    addEventListener(type: 'message', listener: (event: { data: RowTaskMessage }) => void): void;
  };
  scope.addEventListener('message', (event) => runTask(event.data, scope));
  scope.postMessage({ kind: 'ready' });
}
