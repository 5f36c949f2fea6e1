/** tfjs:cpu in the page, its backend package imported by the app as a web app does. */
import '@tensorflow/tfjs-backend-cpu';
import { createTfjsBackend } from '@topk/tfjs';
import { describeBrowserBackend } from './backendSuite.js';

describeBrowserBackend({ name: 'tfjs:cpu', createBackend: () => createTfjsBackend('cpu'), numRuns: 5 });
