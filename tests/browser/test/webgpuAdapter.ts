/** Whether this browser offers WebGPU, and on what, or why not. */
export type AdapterProbe = { available: true; description: string } | { available: false; reason: string };

/** Asks `navigator.gpu` for an adapter, as the WebGPU backends will. */
export async function webGpuAdapter(): Promise<AdapterProbe> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  if (gpu === undefined) return { available: false, reason: 'this browser has no navigator.gpu (WebGPU is off or unsupported; Chromium needs --enable-unsafe-webgpu on Linux)' };
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return { available: false, reason: 'navigator.gpu.requestAdapter() returned null (no adapter: try --enable-features=Vulkan --use-angle=swiftshader)' };
    const info = adapter.info ?? {};
    return { available: true, description: [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'an unnamed adapter' };
  } catch (error) {
    return { available: false, reason: `navigator.gpu.requestAdapter() threw: ${(error as Error).message}` };
  }
}
