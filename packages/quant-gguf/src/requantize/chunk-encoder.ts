import { createQuantizer } from '@quantkit/quant';
import { encodeChunk, type ChunkJob } from './encode-chunk.js';
import { libuvPoolSize, nativeSchedule, NativeThreadsEncoder } from './native-encoder.js';
import { SpareBuffers, withOutput } from './spare-buffers.js';
import { createWorkerPool } from './worker-pool.js';

/**
 * Encodes chunks: on this thread, on the native backend's threads, or on worker threads; the same bytes either way.
 */
export interface ChunkEncoder {
  /** How many chunks the pipeline keeps queued (read and waiting, being encoded, or encoded and waiting to be written). */
  readonly depth: number;
  /**
   * A buffer of its own, `byteLength` bytes, for the next chunk's rows (to be filled completely before use): the
   * buffer of an encoded chunk when one of that size came back, else new memory, not zero-filled.
   */
  buffer(byteLength: number): Uint8Array;
  /** job.bytes must own its buffer whole: a pool transfers it to a worker thread. */
  encode(job: ChunkJob): Promise<Uint8Array>;
  /** The bytes encode() returned, now written: the encoder may reuse their memory for a later chunk's output. */
  release(data: Uint8Array): void;
  close(): Promise<void>;
}

class MainThreadEncoder implements ChunkEncoder {
  readonly depth = 2;
  private readonly spares = new SpareBuffers(2);
  private readonly outputs = new SpareBuffers(this.depth + 1);

  buffer(byteLength: number): Uint8Array {
    return this.spares.take(byteLength);
  }

  async encode(job: ChunkJob): Promise<Uint8Array> {
    const data = encodeChunk(withOutput(job, this.outputs));
    if (data.buffer !== job.bytes.buffer) this.spares.give(job.bytes);
    return data;
  }

  release(data: Uint8Array): void {
    this.outputs.give(data);
  }

  async close(): Promise<void> {}
}

/**
 * `threads` encoders: this thread for one; the native backend's threads when the library runs on it; else (the
 * WebAssembly or reference backend, whose kernels run on the calling thread) worker threads, when the compiled worker
 * script exists.
 */
export function createChunkEncoder(threads: number): ChunkEncoder {
  if (threads <= 1) return new MainThreadEncoder();
  const schedule = nativeSchedule(threads, libuvPoolSize());
  const quantizer = createQuantizer({ threads: schedule.threadsPerCall });
  if (quantizer.backendInfo().name === 'native') return new NativeThreadsEncoder(quantizer, schedule);
  return createWorkerPool(threads) ?? new MainThreadEncoder();
}
