/** @topk/core (float64) in the page: the kit's high-precision oracle and the exact vectors. */
import { createCoreBackend } from '@topk/core';
import { describeBrowserBackend } from './backendSuite.js';

describeBrowserBackend({ name: 'core', createBackend: () => createCoreBackend(), numRuns: 25 });
