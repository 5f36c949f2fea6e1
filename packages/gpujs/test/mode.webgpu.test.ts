/** gpujs:webgpu, in a process of its own: see modeSuite.ts. */
import { describeMode } from './modeSuite.js';

describeMode('webgpu');
