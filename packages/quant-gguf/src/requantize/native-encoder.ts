import type { Quantizer } from '@quantkit/quant';
import type { ChunkEncoder } from './chunk-encoder.js';
import { encodeChunkAsync, type ChunkJob } from './encode-chunk.js';
import { SpareBuffers, withOutput } from './spare-buffers.js';

/** How many chunk calls run at once, and the native threads of each: see NativeThreadsEncoder. */
export interface NativeSchedule {
  readonly running: number;
  readonly threadsPerCall: number;
}

/**
 * `threads` CPUs' worth of chunk calls on a libuv pool of `poolSize` threads, one of which is left for the file reads
 * and writes: with two threads, three calls of one thread each (one more than the CPUs, so a chunk is ready to run
 * whenever another ends while this thread reads and writes; one call of two threads would stop both at the end of
 * every chunk); with more, the pool's free threads each run a call of several threads.
 */
export function nativeSchedule(threads: number, poolSize: number): NativeSchedule {
  const slots = Math.max(1, poolSize - 1);
  if (threads + 1 <= slots) return { running: threads + 1, threadsPerCall: 1 };
  return { running: slots, threadsPerCall: Math.ceil(threads / Math.max(1, slots - 1)) };
}

/** libuv's thread pool size: UV_THREADPOOL_SIZE when set (libuv reads it at start-up, clamped to 1..1024), else 4. */
export function libuvPoolSize(): number {
  const n = Number.parseInt(process.env['UV_THREADPOOL_SIZE'] ?? '', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/**
 * Chunks encoded by the native backend's own threads (quantizeBlocksAsync), while this thread reads the next chunks
 * and writes the finished ones: no worker thread to start (each loads the library and the addon, about 0.1 s of CPU
 * on the benchmark machine) and no messages. Measured on the 1 GiB F16 model of `pnpm bench:cli` (docs/GGUF.md).
 *
 * An async call holds a thread of libuv's pool for its whole run, and this process's file reads and writes queue for
 * the same pool: with a chunk call on every pool thread the next read waits for a chunk to end while CPUs idle. So at
 * most `schedule.running` calls run at once (nativeSchedule), the other chunks of the pipeline wait here, read and
 * ready; and the pipeline is deep enough (DEPTH) that a chunk is always waiting when a call ends, even while the
 * oldest chunk, which must be written first, is still being encoded.
 */
export class NativeThreadsEncoder implements ChunkEncoder {
  static readonly DEPTH = 16;
  readonly depth: number;
  private readonly spares: SpareBuffers;
  private readonly outputs: SpareBuffers;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly quantizer: Quantizer,
    private readonly schedule: NativeSchedule,
  ) {
    this.depth = Math.max(NativeThreadsEncoder.DEPTH, 4 * schedule.running);
    this.spares = new SpareBuffers(this.depth + 2);
    this.outputs = new SpareBuffers(this.depth + 2);
  }

  buffer(byteLength: number): Uint8Array {
    return this.spares.take(byteLength);
  }

  async encode(job: ChunkJob): Promise<Uint8Array> {
    if (this.running >= this.schedule.running) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      const data = await encodeChunkAsync(withOutput(job, this.outputs), this.quantizer);
      if (data.buffer !== job.bytes.buffer) this.spares.give(job.bytes);
      return data;
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  release(data: Uint8Array): void {
    this.outputs.give(data);
  }

  async close(): Promise<void> {}
}
