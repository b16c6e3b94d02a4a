import { widenHalf } from '../half.js';
import type { HalfDType } from '../types.js';
import { absHistogramRun, histogramRun, type HistogramCounts } from './histogram.js';

/*
 * The histogram kernels on half-precision bit patterns (SPEC §12): every value is binned as its exact float32 widening
 * is by histogram / absHistogram (calibrate/histogram.ts), so the counts are those of the float32 histogram of the
 * widened data by construction. Chunks of the bits are widened into this module's scratch (reused: JavaScript runs one
 * kernel at a time), so nothing is allocated per call or per element and no float32 copy of the tensor is made. (A
 * loop with the table lookup fused in measured slower here than widening a chunk and running the float32 loop.)
 */

const CHUNK = 4096;
const wide = new Float32Array(CHUNK);

function binHalf(x: Uint16Array, dtype: HalfDType, min: number, max: number, counts: HistogramCounts, abs: boolean): void {
  const run = abs ? absHistogramRun : histogramRun;
  for (let start = 0; start < x.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, x.length);
    widenHalf(x, dtype, start, end, wide);
    run(end - start === CHUNK ? wide : wide.subarray(0, end - start), min, max, counts);
  }
}

/** Kernel: adds the histogram of the half values x over [min, max] to counts (arguments already validated). */
export function histogramHalfRun(x: Uint16Array, dtype: HalfDType, min: number, max: number, counts: HistogramCounts): void {
  binHalf(x, dtype, min, max, counts, false);
}

/** Kernel: adds the histogram of |x| of the half values x over [min, max] (0 <= min) to counts. */
export function absHistogramHalfRun(x: Uint16Array, dtype: HalfDType, min: number, max: number, counts: HistogramCounts): void {
  binHalf(x, dtype, min, max, counts, true);
}
