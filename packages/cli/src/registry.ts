/**
 * The backends the CLI knows by name. `core` is built in; the tfjs and gpu.js families are
 * optional packages, loaded only when asked for (`await import('@topk/tfjs')`, `'@topk/gpujs'`),
 * so that `@topk/cli` itself needs nothing but `@topk/core`. They are made by their factories
 * `createTfjsBackend(variant)` / `createGpujsBackend(variant)`, where the variant is the part
 * after the colon ('' for the family's best available).
 */
import { BackendUnavailableError, CoreBackend, type TopKBackend } from '@topk/core';
import { CliArgumentError, isBackendUnavailableError, isTopKArgumentError } from './errors.js';

/** A backend family: the package that provides it, its factory's export name, and its variants. */
interface Family {
  readonly module: string;
  readonly factory: string;
  /** Each variant (after the colon; '' for the family's best available) and the npm packages it needs. */
  readonly variants: Readonly<Record<string, readonly string[]>>;
}

const TFJS_CORE = '@tensorflow/tfjs-core';
const WEBGPU_NODE = ['@topk/webgpu-node', 'webgpu'];

const FAMILIES: Readonly<Record<string, Family>> = {
  tfjs: {
    module: '@topk/tfjs',
    factory: 'createTfjsBackend',
    variants: {
      '': [TFJS_CORE, '@tensorflow/tfjs-backend-wasm'],
      cpu: [TFJS_CORE, '@tensorflow/tfjs-backend-cpu'],
      wasm: [TFJS_CORE, '@tensorflow/tfjs-backend-wasm'],
      webgpu: [TFJS_CORE, '@tensorflow/tfjs-backend-webgpu', ...WEBGPU_NODE],
      node: ['@tensorflow/tfjs-node'],
      'node-gpu': ['@tensorflow/tfjs-node-gpu'],
    },
  },
  gpujs: {
    module: '@topk/gpujs',
    factory: 'createGpujsBackend',
    variants: {
      '': ['gpu.js'],
      cpu: ['gpu.js'],
      webasm: ['gpu.js'],
      webgpu: ['gpu.js', ...WEBGPU_NODE],
      headlessgl: ['gpu.js', 'gl'],
    },
  },
};

/**
 * The command that installs what a backend needs next to the CLI, e.g.
 * `npm install @topk/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm` for `tfjs:wasm`.
 */
export function installCommand(name: string): string {
  const [familyName, variant = ''] = name.split(':');
  const family = FAMILIES[familyName];
  return `npm install ${[family.module, ...family.variants[variant]].join(' ')}`;
}

/** Every backend name the CLI accepts, `core` first. */
export const BACKEND_NAMES: readonly string[] = [
  'core',
  ...Object.entries(FAMILIES).flatMap(([family, { variants }]) => Object.keys(variants).map((v) => (v === '' ? family : `${family}:${v}`))),
];

/** A factory as the tfjs and gpujs packages export it. */
type BackendFactory = (variant: string) => Promise<TopKBackend>;

/**
 * Makes the backend of a name. Throws a {@link CliArgumentError} (exit 2) for an unknown name
 * and a `BackendUnavailableError` (exit 3) when its package or device cannot be loaded here.
 */
export async function createBackend(name: string): Promise<TopKBackend> {
  if (!BACKEND_NAMES.includes(name)) {
    throw new CliArgumentError('--backend', `unknown backend ${JSON.stringify(name)}; known: ${BACKEND_NAMES.join(', ')}`);
  }
  if (name === 'core') return new CoreBackend();
  const [familyName, variant = ''] = name.split(':');
  const family = FAMILIES[familyName];
  let factory: BackendFactory;
  try {
    // A variable specifier keeps the optional family packages out of the type check and the load.
    const specifier: string = family.module;
    const loaded = (await import(specifier)) as Record<string, unknown>;
    if (typeof loaded[family.factory] !== 'function') {
      throw new Error(`${family.module} does not export ${family.factory}() (is it built?)`);
    }
    factory = loaded[family.factory] as BackendFactory;
  } catch (error) {
    throw new BackendUnavailableError(name, `cannot load ${family.module} (${oneLine(error)}); install it with \`${installCommand(name)}\``);
  }
  try {
    return await factory(variant);
  } catch (error) {
    if (isBackendUnavailableError(error) || isTopKArgumentError(error)) throw error;
    throw new BackendUnavailableError(name, oneLine(error));
  }
}

/** Availability of one backend on this machine. */
export interface BackendAvailability {
  name: string;
  available: boolean;
  /** The backend's precision when available. */
  precision?: string;
  /** Why not, when unavailable. */
  reason?: string;
}

/** Tries every backend (creating and disposing it) and says which can run here. */
export async function listBackends(): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      const backend = await createBackend(name);
      out.push({ name, available: true, precision: backend.precision });
      await backend.dispose();
    } catch (error) {
      // Drop the "backend X is unavailable: " that the name column already says.
      const reason = oneLine(error).replace(`backend ${name} is unavailable: `, '');
      out.push({ name, available: false, reason });
    }
  }
  return out;
}

/** An error's message on one line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
