import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChunkEncoder } from './chunk-encoder.js';
import type { ChunkJob } from './encode-chunk.js';
import { SpareBuffers } from './spare-buffers.js';
import type { EncodeReply } from './worker-protocol.js';

/** An error from a worker, rebuilt with its name, message and code. */
function rebuild(error: { name: string; message: string; code?: string }): Error {
  const e = new Error(error.message) as Error & { code?: string };
  e.name = error.name;
  if (error.code !== undefined) e.code = error.code;
  return e;
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

  /** Two chunks per worker: each has the next one queued when it finishes, even while an older, slower chunk holds up the writing. */
  get depth(): number {
    return 2 * this.workers.length;
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

  /** The workers' outputs arrive transferred, one new buffer each: nothing to reuse here. */
  release(): void {}

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

/** A pool of `threads` worker threads, or undefined where the compiled worker script is absent (the sources). */
export function createWorkerPool(threads: number): ChunkEncoder | undefined {
  if (!existsSync(fileURLToPath(WORKER_FILE))) return undefined;
  const execArgv = workerExecArgv();
  return new WorkerPool(Array.from({ length: threads }, (_, i) => new Worker(WORKER_FILE, { name: `quant-gguf-encoder-${i}`, execArgv })));
}
