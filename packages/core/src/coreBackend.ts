/** The float64 reference backend: the interface every other backend is tested against. */
import type { LogEspRequest, LossRequest, LossResult, TopKBackend } from './backend.js';
import { topkSvmLoss } from './loss/topkSvm.js';
import { logElementarySymmetric, type EspAlgorithm } from './esp/index.js';
import { BackendDisposedError } from './errors.js';

/** Options of {@link CoreBackend}. */
export interface CoreBackendOptions {
  /** Algorithm of `logEsp` (default divide and conquer). */
  espAlgorithm?: EspAlgorithm;
}

/** Pure-TypeScript float64 backend: exact to rounding. */
export class CoreBackend implements TopKBackend {
  readonly name = 'core';
  readonly precision = 'float64' as const;
  private readonly espAlgorithm: EspAlgorithm;
  private disposed = false;

  constructor(options: CoreBackendOptions = {}) {
    this.espAlgorithm = options.espAlgorithm ?? 'divide-and-conquer';
  }

  async loss(request: LossRequest): Promise<LossResult> {
    this.checkLive();
    return topkSvmLoss(request);
  }

  async logEsp(request: LogEspRequest): Promise<Float64Array> {
    this.checkLive();
    return logElementarySymmetric(request, this.espAlgorithm);
  }

  /** Marks the backend disposed: later calls reject with {@link BackendDisposedError}. */
  dispose(): void {
    this.disposed = true;
  }

  private checkLive(): void {
    if (this.disposed) throw new BackendDisposedError(this.name);
  }
}

/** Creates the float64 reference backend. */
export function createCoreBackend(options?: CoreBackendOptions): CoreBackend {
  return new CoreBackend(options);
}
