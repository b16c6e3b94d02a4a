import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CliError, CliErrorCodes, type CliErrorKind } from '../errors.js';
import type { TensorValues } from '../formats/tensor-values.js';
import type { AnalysisCandidate } from '../lib.js';
import type { AnalysisReply, WorkerError } from './analysis-protocol.js';
import { analyzeTensor, type TensorAnalysis } from './analyze-tensor.js';
import type { GgmlFormat } from './ggml-candidates.js';

/*
 * compare and report run the library's synchronous analysis, which can take seconds on a large tensor (calibrators,
 * twenty candidates). On the main thread that would hold SIGINT/SIGTERM until it finished; on this worker thread the
 * main thread stays free, so the signal handler runs at once and exits (which ends the worker too).
 * Up to ANALYSIS_THREADS workers for the process, started on first use, each ref'd only while it analyses a tensor.
 */

const WORKER_FILE = new URL('./analysis-worker.js', import.meta.url);

/** Tensors analysed at once: one worker per core, at most two (compare overlaps tensors; report runs one at a time). */
export const ANALYSIS_THREADS = Math.max(1, Math.min(2, availableParallelism()));

let started = 0;
const idle: Worker[] = [];
const waiting: ((w: Worker) => void)[] = [];
/** Why a worker died, when it threw (its 'error' event comes before 'exit'). */
const failures = new WeakMap<Worker, Error>();

function startWorker(): Worker {
  const w = new Worker(WORKER_FILE, { name: 'quant-analysis' });
  started++;
  w.unref();
  w.on('error', (e) => failures.set(w, e));
  w.on('exit', () => {
    started--;
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
    // A request waiting for a worker gets a new one in its place.
    const next = waiting.shift();
    if (next !== undefined) next(startWorker());
  });
  return w;
}

/** A worker for one request (started on first use, then reused), or undefined when running from source. */
function acquireWorker(): Promise<Worker> | undefined {
  // Not compiled next to this file (running from source): analyse on this thread.
  if (!existsSync(fileURLToPath(WORKER_FILE))) return undefined;
  const w = idle.pop();
  if (w !== undefined) return Promise.resolve(w);
  if (started < ANALYSIS_THREADS) return Promise.resolve(startWorker());
  return new Promise((resolve) => waiting.push(resolve));
}

function releaseWorker(w: Worker): void {
  const next = waiting.shift();
  if (next !== undefined) return next(w);
  w.unref();
  idle.push(w);
}

function toError(e: WorkerError): Error {
  const kind = (Object.keys(CliErrorCodes) as CliErrorKind[]).find((k) => CliErrorCodes[k][0] === e.code);
  if (e.name === 'CliError' && kind !== undefined) return new CliError(kind, e.message);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

/**
 * analyzeTensor on an analysis worker thread; the same rows, the same errors. x is copied before this returns, so the
 * caller may reuse its buffer at once; with ANALYSIS_THREADS workers, that many calls run at the same time.
 */
export function analyzeTensorOffThread(x: TensorValues, shape: readonly number[], candidates: readonly AnalysisCandidate[], formats: readonly GgmlFormat[] = []): Promise<TensorAnalysis> {
  const acquired = candidates.length + formats.length === 0 ? undefined : acquireWorker();
  if (acquired === undefined) return Promise.resolve().then(() => analyzeTensor(x, shape, candidates, formats));
  // A copy of exactly x's data (posting it would copy all of its buffer, which may be a larger pooled one).
  const copy = x.data.slice();
  const half = x.half;
  return acquired.then(
    (w) =>
      new Promise<TensorAnalysis>((resolve, reject) => {
        const onExit = (code: number): void => {
          w.off('message', onMessage);
          reject(failures.get(w) ?? new Error(`the analysis worker thread exited (code ${code})`));
        };
        const onMessage = (reply: AnalysisReply): void => {
          w.off('exit', onExit);
          releaseWorker(w);
          if ('ok' in reply) resolve(reply.ok);
          else reject(toError(reply.error));
        };
        w.once('message', onMessage);
        w.once('exit', onExit);
        w.ref();
        w.postMessage({ x: { data: copy, half }, shape, candidates, formats }, [copy.buffer]);
      }),
  );
}
