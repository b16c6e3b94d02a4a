import { referenceBackend, type Backend } from '../backend.js';
import { allocateCodes } from '../storage.js';
import type { FloatArray } from '../types.js';
import { appendFiniteOf, forEachFloatChunk, type CalibrationData } from './half-values.js';
import { addFiniteStats, addTailMoments, appendFinite, newMoments, type FiniteStats, type Moments } from './histogram.js';
import { addHistogramWith, type HistogramKernels } from './percentile.js';
import { runSearch } from './search.js';
import type { Calibration, Step } from './steps.js';

/** Runs a calibration to its end on the JavaScript thread, every step at once on `backend` (the synchronous API). */
export function runCalibration<T>(calibration: Calibration<T>, backend: Backend): T {
  for (let next = calibration.next(); ; ) {
    if (next.done) return next.value;
    next = calibration.next(performStep(next.value, backend));
  }
}

/** One step, at once, on `backend`: the definition of every step's result (steps.ts). */
export function performStep(step: Step, backend: Backend): unknown {
  switch (step.kind) {
    case 'finiteStats': {
      const stats: FiniteStats = { min: Infinity, max: -Infinity, count: 0 };
      forEachFloatChunk(step.x, (c) => addFiniteStats(stats, c, step.abs));
      return stats;
    }
    case 'histogram':
      addHistogramWith(histogramKernels(backend), step.x, step.abs, step.min, step.max, step.counts);
      return undefined;
    case 'tailMoments': {
      const tails: { below: Moments; above: Moments } = { below: newMoments(), above: newMoments() };
      forEachFloatChunk(step.x, (c) => addTailMoments(c, step.lo, step.hi, step.abs, tails.below, tails.above));
      return tails;
    }
    case 'finiteCopy': {
      const out = new Float64Array(step.x.length);
      let n = 0;
      forEachFloatChunk(step.x, (c) => (n = appendFinite(c, step.abs, out, n)));
      return out.subarray(0, n);
    }
    case 'finiteValues': {
      const out = finiteValuesArray(step.x, step.count);
      appendFiniteOf(step.x, false, out, 0, step.count === step.x.length, appendFinite);
      return out;
    }
    case 'realMse':
      return realMse(step, backend);
    case 'search':
      return runSearch(step.search);
  }
}

/** The array finiteValues fills: x's own precision, float32 for half data (its exact widening). */
export function finiteValuesArray(x: CalibrationData, count: number): FloatArray {
  return x instanceof Float64Array ? new Float64Array(count) : new Float32Array(count);
}

/** The histogram kernels of a backend: its own when capabilities.histogram says so, else the reference's. */
export function histogramKernels(backend: Backend): HistogramKernels {
  // typeof: a Backend object written against an earlier version of the interface may lack the methods.
  const own = backend.capabilities.histogram && typeof backend.histogram === 'function' && typeof backend.absHistogram === 'function';
  return own ? backend : referenceBackend;
}

/** The MSE of fake-quantizing step.values through the backend's own kernels (one fused kernel when it has it). */
function realMse(step: Extract<Step, { kind: 'realMse' }>, b: Backend): number {
  const { values, scale, zeroPoint, kernel, out } = step;
  if (b.capabilities.fakeQuantize) return b.fakeQuantizeTensor(values, scale, zeroPoint, kernel, out).mse;
  const codes = allocateCodes(step.storage, values.length);
  b.quantizeTensor(values, scale, zeroPoint, kernel, codes);
  b.dequantizeTensor(codes, scale, zeroPoint, out);
  const sum = addSquaredDifferences(values, out, 0, values.length, 0);
  return values.length === 0 ? 0 : sum / values.length;
}

/** sum + the squared differences of a and b over [start, end), in element order (the async runner adds slice by slice). */
export function addSquaredDifferences(a: FloatArray, b: FloatArray, start: number, end: number, sum: number): number {
  for (let i = start; i < end; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return sum;
}
