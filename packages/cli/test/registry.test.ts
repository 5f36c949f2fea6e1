/**
 * The backend registry: one list of names for the CLI and the benchmarks, the same variants the
 * tfjs and gpujs packages accept (less the browser-only ones), a family for every name, the
 * install command of each optional backend, and core on one thread or on worker threads.
 */
import { describe, expect, it } from 'vitest';
import { CoreBackend } from '@topk/core';
import { TFJS_BACKEND_NAMES } from '@topk/tfjs';
import { GPUJS_MODES } from '@topk/gpujs';
import { CliArgumentError } from '../src/errors.js';
import { BACKEND_NAMES, BEST_AVAILABLE_NAMES, BROWSER_ONLY_VARIANTS, createBackend, familyOf, installCommand } from '../src/registry.js';

/** The variants the registry lists for a family (without its best available). */
function variantsOf(family: string): string[] {
  return BACKEND_NAMES.filter((name) => name.startsWith(`${family}:`)).map((name) => name.slice(family.length + 1));
}

describe('names', () => {
  it('lists core, core on threads, then each family: its best available first, then its variants', () => {
    expect(BACKEND_NAMES).toEqual([
      'core', 'core:threads',
      'tfjs', 'tfjs:cpu', 'tfjs:wasm', 'tfjs:webgpu', 'tfjs:node', 'tfjs:node-gpu',
      'gpujs', 'gpujs:webgpu', 'gpujs:headlessgl', 'gpujs:webasm', 'gpujs:cpu',
    ]);
    expect(BEST_AVAILABLE_NAMES).toEqual(['tfjs', 'gpujs']);
  });

  it('has the variants @topk/tfjs accepts, less those only a browser runs', () => {
    expect(new Set([...variantsOf('tfjs'), ...BROWSER_ONLY_VARIANTS.tfjs])).toEqual(new Set(TFJS_BACKEND_NAMES));
    expect(variantsOf('tfjs')).toHaveLength(TFJS_BACKEND_NAMES.length - BROWSER_ONLY_VARIANTS.tfjs.length);
  });

  it('has the modes @topk/gpujs accepts, less those only a browser runs', () => {
    expect(new Set([...variantsOf('gpujs'), ...BROWSER_ONLY_VARIANTS.gpujs])).toEqual(new Set(GPUJS_MODES));
    expect(variantsOf('gpujs')).toHaveLength(GPUJS_MODES.length - BROWSER_ONLY_VARIANTS.gpujs.length);
  });

  it('gives every name the family before its colon', () => {
    expect(BACKEND_NAMES.map(familyOf)).toEqual(BACKEND_NAMES.map((name) => name.split(':')[0]));
  });

  it.for(['tfjs:webgl', 'gpujs:webgl2', 'cuda', 'core:1', ''])('rejects %j as an unknown name for --backend', async (name) => {
    expect(() => familyOf(name)).toThrow(CliArgumentError);
    const error = await createBackend(name).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliArgumentError);
    expect((error as CliArgumentError).message).toContain(`unknown backend ${JSON.stringify(name)}`);
    expect((error as CliArgumentError).message).toContain('core, core:threads, tfjs');
  });
});

describe('install commands', () => {
  it.each([
    ['tfjs', 'npm install @topk/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm'],
    ['tfjs:wasm', 'npm install @topk/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm'],
    ['tfjs:webgpu', 'npm install @topk/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu @topk/webgpu-node webgpu'],
    ['tfjs:node-gpu', 'npm install @topk/tfjs @tensorflow/tfjs-node-gpu'],
    ['gpujs:headlessgl', 'npm install @topk/gpujs gpu.js gl'],
    ['gpujs:cpu', 'npm install @topk/gpujs gpu.js'],
  ])('%s: %s', (name, command) => {
    expect(installCommand(name)).toBe(command);
  });
});

describe('factories', () => {
  it('core computes on the calling thread, core:threads on the default number of worker threads', async () => {
    const one = await createBackend('core');
    const many = await createBackend('core:threads');
    try {
      expect(one).toBeInstanceOf(CoreBackend);
      expect(many).toBeInstanceOf(CoreBackend);
      expect((one as CoreBackend).threads).toBe(1);
      expect((many as CoreBackend).threads).toBe(new CoreBackend().threads);
    } finally {
      await one.dispose();
      await many.dispose();
    }
  });

  it('loads an optional family when one of its names is asked for (@topk/tfjs is a dev dependency here)', async () => {
    const backend = await createBackend('tfjs:cpu');
    try {
      expect(backend.name).toBe('tfjs:cpu');
      expect(backend.precision).toBe('float32');
    } finally {
      await backend.dispose();
    }
  });
});
