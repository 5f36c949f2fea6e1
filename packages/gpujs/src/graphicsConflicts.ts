/**
 * Headless GL and Dawn cannot share a Node process: once a headless GL context exists, Dawn
 * finds no adapter, and a headless GL context made after a Dawn device has existed ends the
 * process with an X error (BadAccess from GLX). Which of the two came first is recorded in
 * process-wide flags (registered symbols, so that every copy of this package, and any other
 * package that uses the same keys, sees them), and whichever comes second gets a
 * {@link BackendUnavailableError} naming the conflict instead of a crash.
 */
import { BackendUnavailableError } from '@topk/core';

/** Set once a Dawn GPUDevice has been requested in this process. */
export const DAWN_DEVICE_KEY = Symbol.for('@topk/graphics.dawnDevice');
/** Set once a headless GL context has been created in this process. */
export const HEADLESS_GL_KEY = Symbol.for('@topk/graphics.headlessGl');
/** Set when this package installs Dawn's `navigator.gpu` (which makes no device by itself). */
const DAWN_PROBE_KEY = Symbol.for('@topk/gpujs.dawnProbe');

const flags = globalThis as unknown as Record<symbol, string | undefined>;

/** Records that `by` is about to request a Dawn device. */
export function markDawnDevice(by: string): void {
  flags[DAWN_DEVICE_KEY] ??= by;
}

/** Records that this package is about to set up Dawn's `navigator.gpu` (a probe: no device yet). */
export function markDawnProbe(): void {
  flags[DAWN_PROBE_KEY] ??= 'gpujs';
}

/** Records that `by` is about to create a headless GL context. */
export function markHeadlessGl(by: string): void {
  flags[HEADLESS_GL_KEY] ??= by;
}

/** Throws for `backend` (a Dawn user) when headless GL was set up earlier in this process. */
export function assertNoHeadlessGl(backend: string): void {
  const by = flags[HEADLESS_GL_KEY];
  if (by !== undefined) {
    throw new BackendUnavailableError(backend, `${by} created a headless GL context earlier in this process, and Dawn (WebGPU) finds no adapter after one; run WebGPU and headless GL in separate processes`);
  }
}

/**
 * Throws for `backend` (a headless GL user) when a Dawn device was requested earlier in this
 * process, or when `navigator.gpu` was set up by someone other than this package (TF.js's webgpu
 * backend, for one, makes a device as soon as it is created): refusing there may refuse a process
 * that would have run, but a wrong guess the other way ends the process.
 */
export function assertNoDawnDevice(backend: string): void {
  const by = flags[DAWN_DEVICE_KEY];
  if (by !== undefined) {
    throw new BackendUnavailableError(backend, `${by} created a Dawn (WebGPU) device earlier in this process, and a headless GL context after one ends the process with an X error; run WebGPU and headless GL in separate processes`);
  }
  const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
  if (gpu !== undefined && flags[DAWN_PROBE_KEY] === undefined) {
    throw new BackendUnavailableError(backend, 'another package set up Dawn (WebGPU, navigator.gpu) earlier in this process, as TF.js\'s webgpu backend does when it makes its device, and a headless GL context after a Dawn device ends the process with an X error; run WebGPU and headless GL in separate processes');
  }
}
