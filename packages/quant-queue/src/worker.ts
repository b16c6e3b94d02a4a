import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { unlink } from 'node:fs/promises';
import type { QuantizeEngine } from './engine.js';
import { connect, type QueueTarget } from './connection.js';
import { CANCELLED } from './errors.js';
import { keys, QUEUE_NAME } from './names.js';
import { runProcessor, temporaryOf } from './processors.js';
import { bullConnection, openFlows, openQueue } from './queue.js';
import type { WorkData } from './work.js';

export interface WorkerOptions {
  readonly concurrency: number;
  readonly threads: number;
  /**
   * How long a job's lock lasts without renewal (ms). A worker that dies (SIGKILL, power loss) holds its job until the
   * lock expires; stalled-job detection then hands it to another worker. Default 30 s (BullMQ's).
   */
  readonly lockMs: number;
  /** Called with each job's start and end (the command prints them). */
  readonly log?: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
  /** Resolves when the worker has connected. */
  ready(): Promise<void>;
}

/** How long the record of who started a work id's jobs is kept (a retry needs it only while the run goes on). */
const OWNERS_TTL_SECONDS = 7 * 24 * 3600;

/** How many times a job may be found stalled (its worker lost) before it fails: enough for a few lost workers. */
const MAX_STALLS = 5;

/**
 * A worker process's BullMQ worker: runs quant jobs until closed. Jobs stopped by `quant cancel` (a message on the
 * cancel channel, or the cancelled set when they start) end as failed with E_ABORTED; the CLI's errors end a job as
 * failed with their code, message and exit status (JSON in failedReason; not retried: the input is what it is).
 */
export function startWorker(target: QueueTarget, engine: QuantizeEngine, options: WorkerOptions): RunningWorker {
  const redis = connect(target);
  const subscriber = connect(target);
  const queue = openQueue(target);
  const flows = openFlows(target);
  const c = { engine, queue, flows, threads: options.threads };
  const running = new Map<string, string>(); // job id -> work id
  const owner = engine.owner();

  const processor = async (job: Job<WorkData>, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const data = job.data;
    const ownersKey = keys.owners(target.prefix, data.id);
    if (await redis.sismember(keys.cancelled(target.prefix), data.id)) {
      options.log?.(`skip ${job.name} ${job.id}: its run was cancelled`);
      throw new UnrecoverableError(JSON.stringify({ ...CANCELLED, file: data.file.output }));
    }
    running.set(job.id!, data.id);
    options.log?.(`start ${job.name} ${job.id} ${data.file.output}`);
    const stop = signal ?? new AbortController().signal;
    try {
      // A retry after a lost worker: remove what the lost attempts left (their temporaries carry their host and pid).
      if (job.attemptsStarted > 1 || job.stalledCounter > 0) {
        const previous = (await redis.smembers(ownersKey)).map((o) => JSON.parse(o) as { host: string; pid: number });
        await engine.removeTemporaries(data.file.output, previous.filter((o) => o.host !== owner.host || o.pid !== owner.pid));
      }
      await redis.multi().sadd(ownersKey, JSON.stringify(owner)).expire(ownersKey, OWNERS_TTL_SECONDS).exec();
      const force = data.force || job.attemptsStarted > 1 || job.stalledCounter > 0;
      const result = await runProcessor(job, c, { force, threads: options.threads, signal: stop });
      options.log?.(`done ${job.name} ${job.id}`);
      return result;
    } catch (e) {
      const failure = stop.aborted ? { ...CANCELLED, file: data.file.output } : engine.failureOf(e, { file: data.file.output });
      // A split file's shared temporary goes with its first failing job (its commit job then fails too).
      if (data.split !== undefined) await unlink(temporaryOf(data)).catch(() => {});
      options.log?.(`failed ${job.name} ${job.id}: ${failure.code} ${failure.message}`);
      throw new UnrecoverableError(JSON.stringify(failure));
    } finally {
      running.delete(job.id!);
    }
  };

  const worker = new Worker<WorkData>(QUEUE_NAME, processor, {
    connection: bullConnection(target),
    prefix: target.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(500, Math.floor(options.lockMs / 2)),
    maxStalledCount: MAX_STALLS,
  });
  worker.on('error', () => {}); // Connection errors: ioredis reconnects.

  void subscriber.subscribe(keys.cancelChannel(target.prefix));
  subscriber.on('message', (_channel: string, message: string) => {
    let ids: string[];
    try {
      ids = JSON.parse(message) as string[];
    } catch {
      return;
    }
    const cancelled = new Set(ids);
    for (const [jobId, workId] of running) if (cancelled.has(workId)) worker.cancelJob(jobId, 'quant cancel');
  });

  return {
    ready: async () => {
      await worker.waitUntilReady();
    },
    close: async () => {
      await worker.close();
      await Promise.allSettled([queue.close(), flows.close()]);
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
