import { narrowToHalf, widenHalf } from '../half.js';
import type { HalfDType, IntArray, KernelSpec, MinMax } from '../types.js';
import { dequantizeTensor } from './dequantize.js';
import { quantizeRun } from './quantize.js';
import { minMax } from './reduce.js';

/*
 * Reference kernels on half-precision bit patterns (SPEC §12): each chunk is widened exactly into a float32 scratch
 * (or, for dequantize, computed as exact float64 products and rounded once to the half type) and handed to the
 * float32 kernels, so these are the float32 contract by construction. The scratch is this module's, reused
 * (JavaScript runs one kernel at a time): no allocation per call.
 */

const CHUNK = 4096;
const wide = new Float32Array(CHUNK);
const products = new Float64Array(CHUNK);

export function quantizeTensorHalf(x: Uint16Array, dtype: HalfDType, scale: number, zeroPoint: number, spec: KernelSpec, out: IntArray): void {
  for (let start = 0; start < x.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, x.length);
    widenHalf(x, dtype, start, end, wide);
    quantizeRun(wide, out.subarray(start, end), 0, end - start, scale, zeroPoint, spec);
  }
}

export function dequantizeTensorHalf(q: IntArray, scale: number, zeroPoint: number, dtype: HalfDType, out: Uint16Array): void {
  for (let start = 0; start < q.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, q.length);
    const p = products.subarray(0, end - start);
    dequantizeTensor(q.subarray(start, end), scale, zeroPoint, p);
    narrowToHalf(p, dtype, out.subarray(start, end));
  }
}

export function minMaxHalf(x: Uint16Array, dtype: HalfDType): MinMax {
  let lo = Infinity;
  let hi = -Infinity;
  for (let start = 0; start < x.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, x.length);
    widenHalf(x, dtype, start, end, wide);
    const r = minMax(wide.subarray(0, end - start));
    if (r.min < lo) lo = r.min;
    if (r.max > hi) hi = r.max;
  }
  return { min: lo, max: hi };
}
