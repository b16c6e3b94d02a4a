import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { encodeChunk, type ChunkJob } from './encode-chunk.js';
import type { EncodeReply } from './worker-protocol.js';

/** Encodes chunks, on this thread or a pool of worker threads; results are the same bytes either way. */
export interface ChunkEncoder {
  /** How many chunks are worth keeping in flight. */
  readonly parallelism: number;
  /**
   * A buffer of its own, `byteLength` bytes, for the next chunk's rows (to be filled completely before use): the
   * buffer of an encoded chunk when one of that size came back, else new memory, not zero-filled.
   */
  buffer(byteLength: number): Uint8Array;
  /** job.bytes must own its buffer whole: a pool transfers it to a worker thread. */
  encode(job: ChunkJob): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** An error from a worker, rebuilt with its name, message and code. */
function rebuild(error: { name: string; message: string; code?: string }): Error {
  const e = new Error(error.message) as Error & { code?: string };
  e.name = error.name;
  if (error.code !== undefined) e.code = error.code;
  return e;
}

/**
 * Rows' buffers of encoded chunks, kept for the next reads (at most `limit`; chunks of one size mostly, as a tensor's
 * chunks are): reading into memory already mapped saves the page faults and zeroing of fresh memory per chunk, on the
 * thread that reads and writes for every encoder.
 */
class SpareBuffers {
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

class MainThreadEncoder implements ChunkEncoder {
  readonly parallelism = 1;
  private readonly spares = new SpareBuffers(2);

  buffer(byteLength: number): Uint8Array {
    return this.spares.take(byteLength);
  }

  async encode(job: ChunkJob): Promise<Uint8Array> {
    const data = encodeChunk(job);
    if (data.buffer !== job.bytes.buffer) this.spares.give(job.bytes);
    return data;
  }

  async close(): Promise<void> {}
}

/**
 * The compiled worker script beside this module (dist/requantize/encode-worker.js). Running from the TypeScript
 * sources, it is not there: everything then runs on the calling thread.
 */
const WORKER_FILE = new URL('./encode-worker.js', import.meta.url);

class WorkerPool implements ChunkEncoder {
  private readonly idle: Worker[];
  private readonly waiting: { job: ChunkJob; resolve: (d: Uint8Array) => void; reject: (e: unknown) => void }[] = [];
  private nextId = 1;
  private readonly spares: SpareBuffers;

  constructor(private readonly workers: Worker[]) {
    this.idle = [...workers];
    this.spares = new SpareBuffers(2 * workers.length + 2);
  }

  get parallelism(): number {
    return this.workers.length;
  }

  buffer(byteLength: number): Uint8Array {
    return this.spares.take(byteLength);
  }

  encode(job: ChunkJob): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const { job, resolve, reject } = this.waiting.shift()!;
      const id = this.nextId++;
      const done = (settle: () => void): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        this.idle.push(worker);
        settle();
        this.dispatch();
      };
      const onMessage = (reply: EncodeReply): void => {
        if (reply.id !== id) return;
        if ('data' in reply) this.spares.give(reply.input);
        done(() => ('data' in reply ? resolve(reply.data) : reject(rebuild(reply.error))));
      };
      const onError = (e: Error): void => done(() => reject(e));
      worker.on('message', onMessage);
      worker.on('error', onError);
      // The rows' bytes move to the worker: the caller hands over a buffer of their own and does not touch it again.
      worker.postMessage({ id, job }, [job.bytes.buffer as ArrayBuffer]);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The process's Node.js flags but --input-type, which a worker refuses (it would fail under `node --input-type=module -e`). */
function workerExecArgv(): string[] {
  const args = [...process.execArgv];
  const i = args.findIndex((a) => a === '--input-type' || a.startsWith('--input-type='));
  if (i >= 0) args.splice(i, args[i] === '--input-type' ? 2 : 1);
  return args;
}

/** `threads` encoders: worker threads when the compiled worker script exists and threads > 1, else this thread. */
export function createChunkEncoder(threads: number): ChunkEncoder {
  if (threads <= 1 || !existsSync(fileURLToPath(WORKER_FILE))) return new MainThreadEncoder();
  const execArgv = workerExecArgv();
  return new WorkerPool(Array.from({ length: threads }, (_, i) => new Worker(WORKER_FILE, { name: `quant-gguf-encoder-${i}`, execArgv })));
}
