import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QuantError } from '@quantkit/quant-core';
import { loadNativeAddon, NativeErrorCodes } from '../../src/index.js';
import { runFixture } from '../child-process.js';
import { describeNative, native } from '../helpers.js';

// Issue 19: QUANT_NATIVE_PATH=/dev/zero or a FIFO hung the loader (require() read without end, or waited for a
// writer). Only regular files are loaded now; anything else is an unusable path like a missing one. The load runs in
// a child process (fixtures/load-addon-path.mjs), so a hang fails the test at the time limit instead of hanging the run.

const dir = mkdtempSync(join(tmpdir(), 'quant-native-special-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, 'quant_native.node');
const madeFifo = process.platform !== 'win32' && spawnSync('mkfifo', [fifo]).status === 0;

function loadWithPath(path: string): { code?: string; message?: string; path?: string } {
  const r = runFixture('load-addon-path.mjs', [], { timeoutMs: 30_000, typescript: true, env: { QUANT_NATIVE_PATH: path } });
  expect(r.timedOut, `loading QUANT_NATIVE_PATH=${path} hung`).toBe(false);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { code?: string; message?: string; path?: string };
}

describe('QUANT_NATIVE_PATH naming something other than a regular file', () => {
  it.skipIf(!madeFifo)('a FIFO is refused without being opened (opening it waits for a writer)', () => {
    const outcome = loadWithPath(fifo);
    expect(outcome.code).toBe(NativeErrorCodes.UNAVAILABLE);
    expect(outcome.message).toContain(`QUANT_NATIVE_PATH ${fifo}: not a regular file (a FIFO)`);
  });

  it.skipIf(!existsSync('/dev/zero'))('/dev/zero is refused without being read (reading it never ends)', () => {
    const outcome = loadWithPath('/dev/zero');
    expect(outcome.code).toBe(NativeErrorCodes.UNAVAILABLE);
    expect(outcome.message).toContain('QUANT_NATIVE_PATH /dev/zero: not a regular file (a character device)');
  });
});

describe('QUANT_NATIVE_PATH naming a directory', () => {
  it('is refused as not a regular file (require() would load whatever package the directory holds)', () => {
    const folder = join(dir, 'folder.node');
    mkdirSync(folder);
    let error: unknown;
    try {
      loadNativeAddon({ path: folder });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuantError);
    expect((error as QuantError).code).toBe(NativeErrorCodes.UNAVAILABLE);
    expect((error as QuantError).message).toContain(`QUANT_NATIVE_PATH ${folder}: not a regular file (a directory)`);
  });
});

describeNative('QUANT_NATIVE_PATH naming a symbolic link to the addon', () => {
  it.skipIf(process.platform === 'win32')('loads it (links are followed; only what they lead to must be a regular file)', () => {
    const link = join(dir, 'link.node');
    symlinkSync(native.loaded!.path, link);
    expect(loadNativeAddon({ path: link }).path).toBe(link);
  });
});
