import { referenceBackend, type Backend } from '../backend.js';
import { allocateCodes } from '../storage.js';
import type { FloatArray } from '../types.js';
import { appendFinite, finiteStats, tailMoments } from './histogram.js';
import type { HistogramKernels } from './percentile.js';
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
    case 'finiteStats':
      return finiteStats(step.x, step.abs);
    case 'histogram': {
      const kernels = histogramKernels(backend);
      if (step.abs) kernels.absHistogram(step.x, step.min, step.max, step.counts);
      else kernels.histogram(step.x, step.min, step.max, step.counts);
      return undefined;
    }
    case 'tailMoments':
      return tailMoments(step.x, step.lo, step.hi, step.abs);
    case 'finiteCopy': {
      const out = new Float64Array(step.x.length);
      return out.subarray(0, appendFinite(step.x, step.abs, out, 0));
    }
    case 'finiteValues': {
      const out = step.x instanceof Float32Array ? new Float32Array(step.count) : new Float64Array(step.count);
      appendFinite(step.x, false, out, 0);
      return out;
    }
    case 'realMse':
      return realMse(step, backend);
    case 'search':
      return runSearch(step.search);
  }
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
