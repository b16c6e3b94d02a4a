import type { GgufWriter } from '../write/gguf-writer.js';

interface Pending {
  readonly promise: Promise<Uint8Array>;
  readonly tensor: string;
  /** Called with the chunk's bytes once they are written. */
  readonly written: (data: Uint8Array) => void;
}

/**
 * Encoded chunks written in the order they were queued, across tensors: the encoders are not left idle at the end of
 * each tensor waiting for its last chunk, they go on with the next tensor's. At most `depth` chunks are queued (read
 * and waiting for an encoder, or being encoded, or encoded and waiting for an older one): memory stays bounded.
 */
export class ChunkPipeline {
  private readonly pending: Pending[] = [];
  /** The tensor of the chunk whose encoding failed, when one did. */
  failedTensor: string | undefined;

  constructor(
    private readonly writer: GgufWriter,
    readonly depth: number,
  ) {}

  /** Queues a chunk being encoded; writes the oldest ones while more than `depth` are queued. */
  async push(promise: Promise<Uint8Array>, tensor: string, written: (data: Uint8Array) => void): Promise<void> {
    promise.catch(() => {}); // awaited in order by writeOldest; this only keeps a later chunk's failure from going unhandled
    this.pending.push({ promise, tensor, written });
    while (this.pending.length > this.depth) await this.writeOldest();
  }

  /** Writes every queued chunk (before bytes that do not go through the pipeline, and at the end). */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.writeOldest();
  }

  /** Waits for every queued chunk to settle, after a failure (nothing more is written). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.pending.map((p) => p.promise));
    this.pending.length = 0;
  }

  private async writeOldest(): Promise<void> {
    const { promise, tensor, written } = this.pending.shift()!;
    let data: Uint8Array;
    try {
      data = await promise;
    } catch (e) {
      this.failedTensor = tensor;
      throw e;
    }
    await this.writer.write(data);
    written(data);
  }
}
