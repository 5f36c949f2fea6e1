/** What the visitor's browser offers: threads, cross-origin isolation, its WebGL renderer and WebGPU adapter. */

/** The browser and the devices the backends can run on, as the page found them. */
export interface BrowserEnvironment {
  readonly userAgent: string;
  /** `navigator.hardwareConcurrency`: logical cores the browser reports. */
  readonly hardwareConcurrency: number;
  /** Whether the page is cross-origin isolated (SharedArrayBuffer, threads in WebAssembly and workers). */
  readonly crossOriginIsolated: boolean;
  /** The WebGL 2 renderer, or why there is none. */
  readonly webgl: string;
  /** Whether WebGL 2 can render to float32 textures (`EXT_color_buffer_float`): gpu.js and TF.js need it for full precision. */
  readonly webglFloat32Render: boolean | null;
  /** The WebGPU adapter, or why there is none. */
  readonly webgpu: string;
}

interface GpuAdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
}
interface GpuLike {
  requestAdapter(): Promise<{ info?: GpuAdapterInfoLike; requestAdapterInfo?: () => Promise<GpuAdapterInfoLike> } | null>;
}

function describeWebGl(): { webgl: string; webglFloat32Render: boolean | null } {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return { webgl: 'none: this browser gives no WebGL 2 context', webglFloat32Render: null };
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const vendor = String(gl.getParameter(debug ? debug.UNMASKED_VENDOR_WEBGL : gl.VENDOR));
    const version = String(gl.getParameter(gl.VERSION));
    const float32 = gl.getExtension('EXT_color_buffer_float') !== null;
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { webgl: `${renderer} (${vendor}), ${version}`, webglFloat32Render: float32 };
  } catch (error) {
    return { webgl: `none: ${error instanceof Error ? error.message : String(error)}`, webglFloat32Render: null };
  }
}

async function describeWebGpu(): Promise<string> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu === undefined) return 'none: navigator.gpu is undefined (this browser, or this page over plain http from another host, offers no WebGPU)';
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return 'none: navigator.gpu.requestAdapter() returned null (no adapter for this device)';
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
    const words = [info.vendor, info.architecture, info.device, info.description].filter((w) => w !== undefined && w !== '');
    return words.length > 0 ? words.join(' ') : 'an adapter that does not describe itself';
  } catch (error) {
    return `none: requestAdapter failed (${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Looks at the browser once, before the run. */
export async function describeEnvironment(): Promise<BrowserEnvironment> {
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency ?? 1,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    ...describeWebGl(),
    webgpu: await describeWebGpu(),
  };
}
