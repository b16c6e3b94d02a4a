import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AbortError, throwIfAborted, type AsyncOptions, type SearchRequest, type SearchResult } from '@quantkit/quant-core';
import { READY, type SearchJob, type SearchReply } from './search-protocol.js';

/*
 * The async API's calibration searches on a worker thread (AsyncBackend.searchAsync): one worker for the process,
 * started by the first long search, reused, and unref'd whenever no search waits for it, so it never keeps the
 * process alive. Only the bounded summary a search needs travels (a histogram of at most BIN_LIMITS bins, or the
 * scratch copy of an exact percentile, whose buffer is transferred, not copied). An aborted call rejects at once and
 * raises the job's stop flag, which the worker checks every few milliseconds of work.
 *
 * The worker's script is compiled next to this file (dist/calibrate-worker.js). Where it is not (running from the
 * TypeScript sources, a bundle that left it out) or the thread cannot start, searchAsync resolves undefined and
 * quant-core runs the search on the main thread in chunks instead: slower to stop, never wrong.
 */

const WORKER_FILE = new URL('./calibrate-worker.js', import.meta.url);

interface Job {
  readonly stop: Int32Array;
  /** Posted to the worker (its arrays are gone from this thread); a job still waiting for the worker to start is not. */
  posted: boolean;
  readonly resolve: (result: SearchResult | undefined) => void;
  readonly reject: (error: unknown) => void;
}

let worker: Worker | undefined;
/** Resolves true once the worker took its first message, false when it could not start. */
let started: Promise<boolean> | undefined;
/** No worker can start here: every search runs on the main thread. */
let unavailable = false;
let nextId = 1;
const jobs = new Map<number, Job>();

/** Starts the worker; it stays ref'd until it is ready (someone waits for it) and then follows its posted jobs. */
function startWorker(): Promise<boolean> {
  if (!existsSync(fileURLToPath(WORKER_FILE))) {
    unavailable = true;
    return Promise.resolve(false);
  }
  let w: Worker;
  try {
    w = new Worker(WORKER_FILE, { name: 'quantkit-calibration' });
  } catch {
    unavailable = true; // e.g. a runtime that forbids threads
    return Promise.resolve(false);
  }
  worker = w;
  return new Promise<boolean>((resolve) => {
    let ready = false;
    // Every listener is attached here, once: attaching a 'message' listener later would ref the worker's port again.
    w.on('message', (message: SearchReply | typeof READY) => {
      if (message !== READY) return settle(message);
      ready = true;
      resolve(true);
      refWhileBusy();
    });
    const stopped = (why: string): void => {
      if (worker !== w) return;
      worker = undefined;
      started = undefined; // a worker that ran and died is started again by the next search
      if (!ready) unavailable = true;
      resolve(false);
      for (const [id, job] of jobs) {
        if (!job.posted) continue; // still waiting: it resolves undefined and runs on the main thread
        jobs.delete(id);
        job.reject(new Error(`quantkit: the calibration worker thread ${why}`));
      }
    };
    w.once('error', (error) => stopped(`failed: ${error instanceof Error ? error.message : String(error)}`));
    w.once('exit', (code) => stopped(`exited with code ${code}`));
  });
}

/** The worker keeps the process alive exactly while a job is posted to it. */
function refWhileBusy(): void {
  if ([...jobs.values()].some((job) => job.posted)) worker?.ref();
  else worker?.unref();
}

function settle(reply: SearchReply): void {
  const job = jobs.get(reply.id);
  if (job === undefined) return; // aborted meanwhile: nobody waits for it
  jobs.delete(reply.id);
  refWhileBusy();
  if ('result' in reply) job.resolve(reply.result);
  else if ('error' in reply) job.reject(new Error(`quantkit: a calibration search failed in the worker thread: ${reply.error}`));
  else job.reject(new AbortError());
}

/** The buffers of the request's arrays (handed over by the calibrator); shared memory is not transferable. */
function transferablesOf(search: SearchRequest): ArrayBuffer[] {
  const array = search.kind === 'quantiles' ? search.values : search.counts;
  return array.buffer instanceof ArrayBuffer ? [array.buffer] : [];
}

/** AsyncBackend.searchAsync on the worker thread (see above). */
export function searchOnWorker(search: SearchRequest, options?: AsyncOptions): Promise<SearchResult | undefined> {
  const signal = options?.signal;
  throwIfAborted(signal);
  if (unavailable) return Promise.resolve(undefined);
  const ready = (started ??= startWorker());
  const id = nextId++;
  return new Promise<SearchResult | undefined>((resolve, reject) => {
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    const job: Job = {
      stop: new Int32Array(new SharedArrayBuffer(4)),
      posted: false,
      resolve: (result) => (done(), resolve(result)),
      reject: (error) => (done(), reject(error)),
    };
    const onAbort = (): void => {
      Atomics.store(job.stop, 0, 1);
      if (!jobs.delete(id)) return;
      refWhileBusy();
      job.reject(new AbortError({ cause: signal?.reason }));
    };
    jobs.set(id, job);
    signal?.addEventListener('abort', onAbort, { once: true });
    void ready.then((ok) => {
      if (!jobs.has(id)) return; // aborted while the worker started
      if (!ok || worker === undefined) {
        jobs.delete(id);
        job.resolve(undefined);
        return;
      }
      job.posted = true;
      worker.ref();
      worker.postMessage({ id, search, stop: job.stop.buffer as SharedArrayBuffer } satisfies SearchJob, transferablesOf(search));
    });
  });
}
