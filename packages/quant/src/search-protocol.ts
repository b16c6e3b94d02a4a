import type { SearchRequest, SearchResult } from '@quantkit/quant-core';

/* The messages between search-worker.ts (main thread) and calibrate-worker.ts (the worker thread). */

/** The worker's first message, once its imports have loaded: from then on it takes jobs. */
export const READY = 'quantkit-calibration-worker-ready';

/** A job: one search, and its stop flag. */
export interface SearchJob {
  readonly id: number;
  readonly search: SearchRequest;
  /** An Int32Array's buffer: element 0 becomes non-zero when the caller no longer wants the result. */
  readonly stop: SharedArrayBuffer;
}

/** The worker's answer, one per job. */
export type SearchReply =
  | { readonly id: number; readonly result: SearchResult }
  | { readonly id: number; readonly stopped: true }
  | { readonly id: number; readonly error: string };
