import { describe, expect, it } from 'vitest';
import { describeAdapter, installNavigatorGpu, installedGpu } from '../src/index.js';

describe('installNavigatorGpu', () => {
  it('installs a navigator.gpu that yields an adapter and a working device', async () => {
    const installed = await installNavigatorGpu();
    const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
    expect(nav?.gpu).toBe(installed.gpu);
    expect(typeof GPUBufferUsage.STORAGE).toBe('number');

    // A plain request, as TF.js and gpu.js make it, must succeed on software renderers too.
    const adapter = await nav!.gpu!.requestAdapter();
    expect(adapter).not.toBeNull();
    const device = await adapter!.requestDevice();

    // Round-trip through a compute shader: doubles four floats.
    const input = new Float32Array([1, 2, 3, 4.5]);
    const storage = device.createBuffer({
      size: input.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(storage, 0, input);
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> v: array<f32>;
             @compute @workgroup_size(4) fn main(@builtin(global_invocation_id) id: vec3u) { v[id.x] = v[id.x] * 2.0; }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: storage } }],
    });
    const readback = device.createBuffer({ size: input.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(storage, 0, readback, 0, input.byteLength);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    expect(Array.from(new Float32Array(readback.getMappedRange()))).toEqual([2, 4, 6, 9]);
    readback.unmap();
    device.destroy();
  });

  it('is idempotent and describes the adapter it found', async () => {
    const first = await installNavigatorGpu();
    const second = await installNavigatorGpu();
    expect(second).toBe(first);
    expect(installedGpu()).toBe(first);
    const line = describeAdapter(first);
    expect(line).toMatch(/^Dawn (default|opengles)\/(core|compatibility): /);
    if (first.backend === 'opengles') expect(first.featureLevel).toBe('compatibility');
  });
});
