import type { AbortSignalLike, AsyncBackend } from '../api-async.js';
import { referenceBackend } from '../backend.js';
import { allocateCodes } from '../storage.js';
import { appendFiniteOf, forEachFloatChunk, HalfValues, type CalibrationData } from './half-values.js';
import { addFiniteStats, addTailMoments, appendFinite, newMoments } from './histogram.js';
import { addHistogramWith } from './percentile.js';
import { nextTurn } from './next-turn.js';
import { addSquaredDifferences, finiteValuesArray, performStep } from './run-sync.js';
import { SEARCH_CHUNK } from './search-pauses.js';
import { pausingSearch, searchWork, type SearchRequest, type SearchResult } from './search.js';
import type { Calibration, Step } from './steps.js';

/*
 * Runs calibrations for the async API without holding the JavaScript thread for long, giving every step the result the
 * synchronous runner gives (run-sync.ts), bit for bit:
 *  - a step over at most INLINE_ELEMENTS elements, or a search that would not pause, runs at once on the reference
 *    kernels (histogram counts are identical on every backend, and so are real errors up to 65536 elements);
 *  - histograms and real errors over larger data run on the backend's async kernels (native: on its threads);
 *  - the other passes over larger data (finite extremes, tails, copies) run in slices of INLINE_ELEMENTS, in order;
 *  - a longer search goes to backend.searchAsync when it takes it (the adapter's worker thread), else runs here,
 *    with a turn of the event loop at every pause (every SEARCH_CHUNK units of work).
 * The event loop turns whenever about TURN_BUDGET units were done at once, and after every turn and every awaited call
 * `checkpoint` runs: it throws when the call was aborted or its input detached, which stops the calibration there.
 */

/** Where an async calibration runs and what stops it. */
export interface AsyncCalibrationEnv {
  readonly backend: AsyncBackend;
  readonly signal: AbortSignalLike | undefined;
  /** Called after every turn of the event loop and every awaited call; throws to stop (abort, detached input). */
  readonly checkpoint: () => void;
}

/** Elements a step may have and still run at once on the JavaScript thread (also the slice of the sliced passes). */
export const INLINE_ELEMENTS = 1 << 16;

/** Units of work (elements, search units) done at once between two turns of the event loop: a millisecond or a few. */
export const TURN_BUDGET = 1 << 18;

/** Counts the work done at once and turns the event loop when enough was done. */
export class Pacer {
  private done = 0;

  constructor(private readonly checkpoint: () => void) {}

  /** Counts `units` of work; true when a turn is due (then call turn()). */
  spend(units: number): boolean {
    this.done += units;
    return this.done >= TURN_BUDGET;
  }

  async turn(): Promise<void> {
    this.done = 0;
    await nextTurn();
    this.checkpoint();
  }
}

/** Runs a calibration to its end as described above. */
export async function runCalibrationAsync<T>(calibration: Calibration<T>, env: AsyncCalibrationEnv, pacer: Pacer): Promise<T> {
  for (let next = calibration.next(); ; ) {
    if (next.done) return next.value;
    const step = next.value;
    const cost = inlineCost(step);
    let result: unknown;
    if (cost !== undefined) {
      result = performStep(step, referenceBackend);
      if (pacer.spend(cost)) await pacer.turn();
    } else {
      try {
        result = await performLarge(step, env, pacer);
      } catch (error) {
        env.checkpoint(); // an abort or a detached input explains the failure better than what it caused
        throw error;
      }
      env.checkpoint();
    }
    next = calibration.next(result);
  }
}

/** The work of a step that runs at once, or undefined when it is too large to. */
function inlineCost(step: Step): number | undefined {
  if (step.kind === 'search') {
    const work = searchWork(step.search);
    return work < SEARCH_CHUNK ? work : undefined;
  }
  const n = step.kind === 'realMse' ? step.values.length : step.x.length;
  return n <= INLINE_ELEMENTS ? n : undefined;
}

async function performLarge(step: Step, env: AsyncCalibrationEnv, pacer: Pacer): Promise<unknown> {
  const { backend, signal } = env;
  switch (step.kind) {
    case 'finiteStats': {
      const stats = { min: Infinity, max: -Infinity, count: 0 };
      await inSlices(step.x, pacer, (slice) => forEachFloatChunk(slice, (c) => addFiniteStats(stats, c, step.abs)));
      return stats;
    }
    case 'histogram': {
      const { x, abs, min, max, counts } = step;
      if (backend.capabilities.histogram) {
        if (x instanceof HalfValues) {
          const { bits, half } = x;
          await (abs ? backend.absHistogramHalfAsync(bits, half, min, max, counts, { signal }) : backend.histogramHalfAsync(bits, half, min, max, counts, { signal }));
        } else await (abs ? backend.absHistogramAsync(x, min, max, counts, { signal }) : backend.histogramAsync(x, min, max, counts, { signal }));
      } else {
        // Counting is additive: slice after slice adds the same +1s in the same order as one call.
        await inSlices(x, pacer, (slice) => addHistogramWith(referenceBackend, slice, abs, min, max, counts));
      }
      return undefined;
    }
    case 'tailMoments': {
      const below = newMoments();
      const above = newMoments();
      await inSlices(step.x, pacer, (slice) => forEachFloatChunk(slice, (c) => addTailMoments(c, step.lo, step.hi, step.abs, below, above)));
      return { below, above };
    }
    case 'finiteCopy': {
      const out = new Float64Array(step.x.length);
      let n = 0;
      await inSlices(step.x, pacer, (slice) => forEachFloatChunk(slice, (c) => (n = appendFinite(c, step.abs, out, n))));
      return out.subarray(0, n);
    }
    case 'finiteValues': {
      const out = finiteValuesArray(step.x, step.count);
      let n = 0;
      const allFinite = step.count === step.x.length;
      await inSlices(step.x, pacer, (slice) => (n = appendFiniteOf(slice, false, out, n, allFinite, appendFinite)));
      return out;
    }
    case 'realMse':
      return realMseAsync(step, env, pacer);
    case 'search': {
      const elsewhere = backend.searchAsync ? await backend.searchAsync(step.search, { signal }) : undefined;
      return elsewhere ?? searchHere(step.search, pacer);
    }
  }
}

/** The real MSE as run-sync.ts's realMse computes it, on the async kernels. */
async function realMseAsync(step: Extract<Step, { kind: 'realMse' }>, env: AsyncCalibrationEnv, pacer: Pacer): Promise<number> {
  const { backend, signal } = env;
  const { values, scale, zeroPoint, kernel, out } = step;
  if (backend.capabilities.fakeQuantize) return (await backend.fakeQuantizeTensorAsync(values, scale, zeroPoint, kernel, out, { signal })).mse;
  const codes = allocateCodes(step.storage, values.length);
  await backend.quantizeTensorAsync(values, scale, zeroPoint, kernel, codes, { signal });
  env.checkpoint();
  await backend.dequantizeTensorAsync(codes, scale, zeroPoint, out, { signal });
  env.checkpoint();
  let sum = 0;
  for (let start = 0; start < values.length; start += INLINE_ELEMENTS) {
    const end = Math.min(start + INLINE_ELEMENTS, values.length);
    sum = addSquaredDifferences(values, out, start, end, sum);
    if (pacer.spend(end - start)) await pacer.turn();
  }
  return values.length === 0 ? 0 : sum / values.length;
}

/** Calls fn on consecutive slices of x, in order, turning the event loop when the pacer says so. */
async function inSlices<T extends CalibrationData>(x: T, pacer: Pacer, fn: (slice: T) => void): Promise<void> {
  for (let start = 0; start < x.length; start += INLINE_ELEMENTS) {
    const end = Math.min(start + INLINE_ELEMENTS, x.length);
    fn(x.subarray(start, end) as T);
    if (pacer.spend(end - start)) await pacer.turn();
  }
}

/** A search on this thread, with a turn of the event loop at every pause. */
async function searchHere(request: SearchRequest, pacer: Pacer): Promise<SearchResult> {
  const search = pausingSearch(request);
  for (;;) {
    const step = search.next();
    if (step.done) return step.value;
    await pacer.turn();
  }
}
