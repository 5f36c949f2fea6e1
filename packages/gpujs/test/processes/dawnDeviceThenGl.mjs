// Another package's Dawn device first (as TF.js's webgpu backend makes one: navigator.gpu from
// @topk/webgpu-node, an adapter, a device), then gpujs:headlessgl. Prints one JSON line.
import { installNavigatorGpu } from '@topk/webgpu-node';
import { createGpujsBackend } from '@topk/gpujs';

const installed = await installNavigatorGpu();
const adapter = await installed.gpu.requestAdapter();
const device = await adapter.requestDevice();
try {
  const backend = await createGpujsBackend('headlessgl');
  console.log(JSON.stringify({ created: backend.name }));
} catch (error) {
  console.log(JSON.stringify({ error: error.name, message: error.message }));
}
device.destroy();
