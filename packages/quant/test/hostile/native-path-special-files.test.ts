import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * Issue 19: QUANT_NATIVE_PATH=/dev/zero or a FIFO hung the first call (the addon loader read the device without end,
 * or waited for a writer on the FIFO). The package as users get it (its built dist, fixtures/probe.mjs), in a child
 * process killed at a time limit, so a hang fails the test instead of hanging the run. Needs `pnpm build`.
 */

const probeScript = fileURLToPath(new URL('../fixtures/probe.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quant-special-native-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, 'quant_native.node');
const madeFifo = process.platform !== 'win32' && spawnSync('mkfifo', [fifo]).status === 0;

interface Probe {
  info?: { name: string; reason?: string };
  error?: { code: string; message: string };
}

function probe(backend: string, nativePath: string): Probe {
  const env: NodeJS.ProcessEnv = { ...process.env, QUANT_BACKEND: backend, QUANT_NATIVE_PATH: nativePath };
  delete env['QUANT_DEBUG'];
  const r = spawnSync(process.execPath, [probeScript, 'quantize', 'info'], { env, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
  expect((r.error as NodeJS.ErrnoException | undefined)?.code, `QUANT_NATIVE_PATH=${nativePath} hung`).not.toBe('ETIMEDOUT');
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Probe;
}

const specialFiles: [string, string, boolean][] = [
  ['a FIFO', fifo, madeFifo],
  ['/dev/zero', '/dev/zero', existsSync('/dev/zero')],
];

describe.each(specialFiles)('QUANT_NATIVE_PATH naming %s', (_, path, exists) => {
  it.skipIf(!exists)('auto falls back to the WebAssembly backend instead of hanging, and says why', () => {
    expect(probe('auto', path).info).toMatchObject({ name: 'wasm', reason: expect.stringMatching(/^native backend unavailable: .*not a regular file/) });
  });

  it.skipIf(!exists)('native fails with ERR_QUANT_NATIVE_UNAVAILABLE, saying it is not a regular file', () => {
    const { error } = probe('native', path);
    expect(error?.code).toBe('ERR_QUANT_NATIVE_UNAVAILABLE');
    expect(error?.message).toContain(`QUANT_NATIVE_PATH ${path}: not a regular file`);
  });
});
