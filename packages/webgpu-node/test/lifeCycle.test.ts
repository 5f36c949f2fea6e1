/**
 * Dawn keeps Node alive while a GPUDevice exists (its binding polls on every turn of the event
 * loop) and releases it when the device is destroyed: a script that destroys its device ends by
 * itself. This is what lets the WebGPU backends end a process in their dispose().
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/deviceLifeCycle.mjs', import.meta.url));

describe('a Dawn device and the life of the process', () => {
  it('a script that destroys its device ends by itself', async () => {
    const child = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let killer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // Once the device is destroyed, give the process 10 s to end.
      if (killer === undefined && stdout.includes('done')) killer = setTimeout(() => ((killed = true), child.kill('SIGKILL')), 10_000);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    expect(stdout, stderr).toContain('done');
    expect(killed, 'still alive 10 s after device.destroy()').toBe(false);
    expect(code).toBe(0);
  }, 120_000);
});
