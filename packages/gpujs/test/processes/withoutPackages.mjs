// Runs as if the packages named on the command line were not installed (a resolve hook refuses
// them), then asks for each mode and prints the error's name and message per mode.
// Usage: node withoutPackages.mjs <package,package,...> <mode> [mode ...]
import { register } from 'node:module';

const [hidden, ...modes] = process.argv.slice(2);
const hooks = `
const hidden = new Set(${JSON.stringify(hidden.split(','))});
export async function resolve(specifier, context, next) {
  if (hidden.has(specifier)) {
    const error = new Error(\`Cannot find package '\${specifier}'\`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const { createGpujsBackend } = await import('@topk/gpujs');
for (const mode of modes) {
  try {
    const backend = await createGpujsBackend(mode);
    console.log(JSON.stringify({ mode, created: backend.name }));
    await backend.dispose();
  } catch (error) {
    console.log(JSON.stringify({ mode, error: error.name, message: error.message }));
  }
}
