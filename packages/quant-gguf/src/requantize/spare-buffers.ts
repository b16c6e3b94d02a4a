import type { ChunkJob } from './encode-chunk.js';
import { blockBytesOf } from './encode-chunk.js';

/**
 * Rows' buffers of encoded chunks, kept for the next reads (at most `limit`; chunks of one size mostly, as a tensor's
 * chunks are): reading into memory already mapped saves the page faults and zeroing of fresh memory per chunk, on the
 * thread that reads and writes for every encoder.
 */
export class SpareBuffers {
  private readonly spare: ArrayBuffer[] = [];

  constructor(private readonly limit: number) {}

  take(byteLength: number): Uint8Array {
    const i = this.spare.findIndex((b) => b.byteLength === byteLength);
    if (i >= 0) return new Uint8Array(this.spare.splice(i, 1)[0]!);
    // Memory of its own (the chunk moves to a worker thread whole) that the read fills completely: not zero-filled.
    const b = Buffer.allocUnsafeSlow(byteLength);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  give(bytes: Uint8Array | undefined): void {
    if (bytes === undefined || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) return;
    if (this.spare.length >= this.limit) this.spare.shift();
    this.spare.push(bytes.buffer as ArrayBuffer);
  }
}

/** A chunk job with its output from `outputs` when the target is a block format (else encodeChunk allocates one). */
export function withOutput(job: ChunkJob, outputs: SpareBuffers): ChunkJob {
  const bytes = blockBytesOf(job);
  return bytes === undefined ? job : { ...job, out: outputs.take(bytes) };
}
