import { randomBytes } from 'node:crypto';
import { lstat, open, realpath, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fail } from '../errors.js';
import { FlushBehind } from './flush-behind.js';

/** A hidden sibling of the target: ".<name>.quant-gguf-<pid>-<8 hex>.tmp". */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.quant-gguf-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
  );
}

/** E_GGUF_OUTPUT_EXISTS when the target is the input itself, or exists and `force` is not set. */
export async function checkTarget(target: string, force: boolean, input?: string): Promise<void> {
  if (input !== undefined) {
    const [a, b] = await Promise.all([realpath(input).catch(() => resolve(input)), realpath(target).catch(() => resolve(target))]);
    if (a === b) fail('E_GGUF_OUTPUT_EXISTS', 'the output is the input file', { file: target });
  }
  if (!force && (await exists(target))) fail('E_GGUF_OUTPUT_EXISTS', 'the output exists (pass force to replace it)', { file: target });
}

/**
 * Writes `target` through a temporary file beside it: `write` fills the temporary file (telling `flush` what it
 * wrote, so most of it reaches the disk while it writes on), which is then fsynced and renamed over the target. If
 * anything throws, the temporary file is removed and the target is left as it was.
 */
export async function writeAtomically<T>(target: string, write: (fh: FileHandle, flush: FlushBehind) => Promise<T>): Promise<T> {
  const temporary = temporaryPathFor(target);
  const fh = await open(temporary, 'wx', 0o644);
  const flush = new FlushBehind(fh);
  let closed = false;
  try {
    const result = await write(fh, flush);
    await flush.finish();
    await fh.sync();
    await fh.close();
    closed = true;
    await rename(temporary, target);
    return result;
  } catch (e) {
    await flush.finish().catch(() => {});
    if (!closed) await fh.close().catch(() => {});
    await unlink(temporary).catch(() => {});
    throw e;
  }
}
