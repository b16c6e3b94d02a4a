import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';

/** One read request at most (the kernel and Node.js cap single reads near 2 GiB). */
const MAX_REQUEST = 1 << 30;

/** Fills `target` from the file at `position`; running out of file is E_GGUF_TRUNCATED (the header said it was there). */
export async function readFully(fh: FileHandle, target: Uint8Array, position: number, file: string, tensor?: string): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, Math.min(target.length - done, MAX_REQUEST), position + done);
    if (bytesRead === 0) {
      fail('E_GGUF_TRUNCATED', `the file ended after ${position + done} bytes while reading ${target.length} bytes at offset ${position}`, { file, tensor });
    }
    done += bytesRead;
  }
}
