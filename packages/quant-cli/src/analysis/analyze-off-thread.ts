import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CliError, CliErrorCodes, type CliErrorKind } from '../errors.js';
import type { TensorValues } from '../formats/tensor-values.js';
import type { AnalysisCandidate } from '../lib.js';
import type { AnalysisReply, WorkerError } from './analysis-protocol.js';
import { analyzeTensor, type TensorAnalysis } from './analyze-tensor.js';

/*
 * compare and report run the library's synchronous analysis, which can take seconds on a large tensor (calibrators,
 * twenty candidates). On the main thread that would hold SIGINT/SIGTERM until it finished; on this worker thread the
 * main thread stays free, so the signal handler runs at once and exits (which ends the worker too).
 * One worker for the process, started on first use, ref'd only while a tensor is being analysed.
 */

const WORKER_FILE = new URL('./analysis-worker.js', import.meta.url);

let worker: Worker | undefined;
/** Why the worker died, when it threw (its 'error' event comes before 'exit'). */
let workerFailure: Error | undefined;

function workerOrUndefined(): Worker | undefined {
  if (worker !== undefined) return worker;
  // Not compiled next to this file (running from source): analyse on this thread.
  if (!existsSync(fileURLToPath(WORKER_FILE))) return undefined;
  const w = new Worker(WORKER_FILE, { name: 'quant-analysis' });
  w.unref();
  w.on('error', (e) => (workerFailure = e));
  w.on('exit', () => {
    if (worker === w) worker = undefined;
  });
  worker = w;
  return w;
}

function toError(e: WorkerError): Error {
  const kind = (Object.keys(CliErrorCodes) as CliErrorKind[]).find((k) => CliErrorCodes[k][0] === e.code);
  if (e.name === 'CliError' && kind !== undefined) return new CliError(kind, e.message);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

/** analyzeTensor on the analysis worker thread (x is copied to it); the same rows, the same errors. */
export function analyzeTensorOffThread(x: TensorValues, shape: readonly number[], candidates: readonly AnalysisCandidate[]): Promise<TensorAnalysis> {
  const w = candidates.length === 0 ? undefined : workerOrUndefined();
  if (w === undefined) return Promise.resolve().then(() => analyzeTensor(x, shape, candidates));
  return new Promise((resolve, reject) => {
    const onExit = (code: number): void => {
      w.off('message', onMessage);
      reject(workerFailure ?? new Error(`the analysis worker thread exited (code ${code})`));
    };
    const onMessage = (reply: AnalysisReply): void => {
      w.off('exit', onExit);
      w.unref();
      if ('ok' in reply) resolve(reply.ok);
      else reject(toError(reply.error));
    };
    w.once('message', onMessage);
    w.once('exit', onExit);
    w.ref();
    // A copy of exactly x's data (posting it would copy all of its buffer, which may be a larger pooled one).
    const copy = x.data.slice();
    w.postMessage({ x: { data: copy, half: x.half }, shape, candidates }, [copy.buffer]);
  });
}
