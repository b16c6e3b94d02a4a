import type { FileHandle } from 'node:fs/promises';
import type { BufferPool } from '../io/buffer-pool.js';
import { readAt } from '../io/read-at.js';

/** Bytes of any typed array, without copying. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Writes all of `bytes` at `position` (FileHandle.write may write less than asked). */
export async function writeAt(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(bytes.length - done, 1 << 30), position + done);
    done += bytesWritten;
  }
}

/** Writes consecutive parts with one writev call (one trip to the thread pool), finishing any short write. */
export async function writePartsAt(fh: FileHandle, parts: readonly Uint8Array[], position: number): Promise<void> {
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const { bytesWritten } = await fh.writev(parts as Uint8Array[], position);
  if (bytesWritten === total) return;
  let skip = bytesWritten;
  let p = position;
  for (const part of parts) {
    if (skip >= part.byteLength) {
      skip -= part.byteLength;
      p += part.byteLength;
      continue;
    }
    await writeAt(fh, part.subarray(skip), p + skip);
    p += part.byteLength;
    skip = 0;
  }
}

const COPY_CHUNK = 8 << 20;

/**
 * Copies `length` bytes between files in chunks, so a large pass-through tensor never sits in memory whole; the read of
 * the next chunk overlaps the write of the current one.
 */
export async function copyRange(from: FileHandle, offset: number, length: number, to: FileHandle, position: number, pool: BufferPool, file: string, tensor: string): Promise<void> {
  const size = Math.min(COPY_CHUNK, Math.max(length, 1));
  const buffers = [pool.acquire(size), pool.acquire(size)];
  try {
    const read = (done: number, k: number): Promise<Uint8Array> => {
      const chunk = new Uint8Array(buffers[k % 2]!, 0, Math.min(COPY_CHUNK, length - done));
      return readAt(from, chunk, offset + done, file, tensor).then(() => chunk);
    };
    let next = length > 0 ? read(0, 0) : undefined;
    for (let done = 0, k = 0; next !== undefined; k++) {
      const chunk = await next;
      const after = done + chunk.length;
      next = after < length ? read(after, k + 1) : undefined;
      next?.catch(() => {}); // awaited on the next turn; a failing write first must not leave it unhandled
      await writeAt(to, chunk, position + done);
      done = after;
    }
  } finally {
    for (const b of buffers) pool.release(b);
  }
}
