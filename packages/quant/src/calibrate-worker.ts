/**
 * The calibration worker thread (started by search-worker.ts): runs the long searches of calibration (entropy's KL
 * scan, PyTorch's L2 search, the MSE model search, exact quantiles) with quant-core's runSearch, one job at a time,
 * off the main JavaScript thread. Each job carries a shared stop flag, checked at every pause of the search (every
 * few milliseconds of work), so an aborted call frees the thread promptly.
 */
import { parentPort } from 'node:worker_threads';
import { runSearch } from '@quantkit/quant-core';
import { READY, type SearchJob, type SearchReply } from './search-protocol.js';

/** Thrown out of a search at a pause to end it. */
class Stopped {}

function answer(job: SearchJob): SearchReply {
  const stop = new Int32Array(job.stop);
  const checkStop = (): void => {
    if (Atomics.load(stop, 0) !== 0) throw new Stopped();
  };
  try {
    checkStop();
    return { id: job.id, result: runSearch(job.search, checkStop) };
  } catch (error) {
    if (error instanceof Stopped) return { id: job.id, stopped: true };
    return { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (job: SearchJob) => parentPort!.postMessage(answer(job)));
// Sent once the imports above have loaded: from here on the thread can take jobs.
parentPort?.postMessage(READY);
