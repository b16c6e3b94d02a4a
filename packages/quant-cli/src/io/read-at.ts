import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';

/**
 * Fills `target` with the file's bytes starting at `position` (FileHandle.read may return fewer bytes than asked).
 * Running out of file is a truncation: the headers said the bytes would be there.
 */
/** One read request at most (the kernel and Node.js cap single reads near 2 GiB). */
const MAX_REQUEST = 1 << 30;

export async function readAt(fh: FileHandle, target: Uint8Array, position: number, file: string, tensor?: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, Math.min(target.length - done, MAX_REQUEST), position + done);
    if (bytesRead === 0) {
      fail('TRUNCATED', `file ended after ${position + done} bytes while reading ${target.length} bytes at offset ${position}`, { file, tensor });
    }
    done += bytesRead;
  }
}
