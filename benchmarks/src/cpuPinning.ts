/**
 * Pinning a one-threaded contender to one CPU. The cores of a virtual machine need not be equal
 * (on this project's machine one of the two runs core markedly slower than the other), and a
 * thread tends to stay on the CPU it ran on, so two one-threaded processes compared side by
 * side can each sit on a different core for a whole run. Pinned to the same CPU, a different
 * one each round, they are compared on equal terms. Linux only, through util-linux's `taskset`.
 */
import { execFileSync } from 'node:child_process';

/** CPU numbers from a list such as `0,2-3`. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const [from, to = from] = part.split('-').map((x) => Number.parseInt(x, 10));
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

function taskset(args: string[]): string {
  return execFileSync('taskset', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The CPUs this process's main thread may run on, or null where they cannot be read and set here. */
export function allowedCpus(): number[] | null {
  if (process.platform !== 'linux') return null;
  try {
    const cpus = parseCpuList(taskset(['-pc', String(process.pid)]).split(':').at(-1)!);
    return cpus.length > 0 ? cpus : null;
  } catch {
    return null;
  }
}

/** Lets this process's main thread (not its worker threads) run on `cpus` only. */
export function pinMainThread(cpus: readonly number[]): void {
  taskset(['-pc', cpus.join(','), String(process.pid)]);
}
