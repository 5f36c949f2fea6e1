/**
 * The float32 backends' speed aims against one-threaded core, forward+backward at n = 1000,
 * checked on head-to-head figures (report.ts); the head to head times these backends at every
 * k the aims name (headToHead.ts).
 */

/** One backend's aims at k = 5: at most `toCore` times core, at most `toCrossEntropy` times its cross-entropy. */
export interface BackendAim {
  readonly backend: string;
  readonly toCore: number;
  readonly toCrossEntropy?: number;
}

/** The aims at the head-to-head's main point (n = 1000, k = 5). */
export const BACKEND_AIMS: readonly BackendAim[] = [
  { backend: 'tfjs:wasm', toCore: 1.5, toCrossEntropy: 3 },
  { backend: 'gpujs:webasm', toCore: 2 },
];

/** The same backends at larger k: at most `toCore` times core at each of `ks`. */
export const LARGER_K_AIM = { n: 1000, ks: [10, 50], toCore: 2.5 } as const;

/** Whether `backend` has speed aims. */
export function hasSpeedAims(backend: string): boolean {
  return BACKEND_AIMS.some((aim) => aim.backend === backend);
}
