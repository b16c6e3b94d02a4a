import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A hidden sibling of the target: ".<name>.<pid>-<8 hex>.onnx-tmp". */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.onnx-tmp`);
}

/** Creates `path` (it must not exist), writes `bytes` and fsyncs it. */
export async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes `bytes` to a temporary file beside `target`, fsyncs it and renames it over `target`: readers see the old file
 * or the complete new one, never a part. On any error the temporary file is removed and the error rethrown.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(target);
  await mkdir(dirname(target), { recursive: true });
  try {
    await writeSynced(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
