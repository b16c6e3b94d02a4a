import { widenHalf } from '../half.js';
import type { FloatArray, HalfDType } from '../types.js';

/*
 * The data a calibrator reads: float32 / float64 values, or half-precision bit patterns (SPEC §12) read in place. A
 * half group is never widened as a whole: the passes that need float values (finite extremes, tails, copies of the
 * finite values) widen it a chunk at a time into a scratch, and histograms run the backends' half kernels on the bits.
 * Every such pass is additive in element order (slice by slice gives the result of one call, histogram.ts), so the
 * results are those of the float32 widening, bit for bit.
 */

/** Half-precision bit patterns of one type, as a calibrator's data. */
export class HalfValues {
  constructor(
    readonly bits: Uint16Array,
    readonly half: HalfDType,
  ) {}

  get length(): number {
    return this.bits.length;
  }

  subarray(start: number, end: number): HalfValues {
    return new HalfValues(this.bits.subarray(start, end), this.half);
  }
}

/** A calibrator's data: float values, or half bit patterns. */
export type CalibrationData = FloatArray | HalfValues;

/** Elements widened at a time (64 KiB of float32 scratch). */
const CHUNK = 16384;
let scratch: Float32Array | undefined;

/**
 * Calls fn on x itself (float data), or on consecutive chunks of x's exact float32 widening, in order. A chunk is
 * valid only during its call (the scratch is reused; fn must not re-enter this function).
 */
export function forEachFloatChunk(x: CalibrationData, fn: (chunk: FloatArray) => void): void {
  if (!(x instanceof HalfValues)) {
    fn(x);
    return;
  }
  const wide = (scratch ??= new Float32Array(CHUNK));
  for (let start = 0; start < x.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, x.length);
    widenHalf(x.bits, x.half, start, end, wide);
    fn(end - start === CHUNK ? wide : wide.subarray(0, end - start));
  }
}

/**
 * Appends the finite values of x (|x| when abs) to out from index n via `append` (histogram.ts appendFinite), and
 * returns the new count; half data all of whose values are finite (known from its finite count) is widened straight
 * into out, one pass.
 */
export function appendFiniteOf(
  x: CalibrationData,
  abs: boolean,
  out: FloatArray,
  n: number,
  allFinite: boolean,
  append: (chunk: FloatArray, abs: boolean, out: FloatArray, n: number) => number,
): number {
  if (x instanceof HalfValues && allFinite && !abs && out instanceof Float32Array) {
    widenHalf(x.bits, x.half, 0, x.length, out.subarray(n, n + x.length));
    return n + x.length;
  }
  forEachFloatChunk(x, (c) => (n = append(c, abs, out, n)));
  return n;
}
