import type { HistogramCounts } from '../calibrate/histogram.js';
import { ROUND_MAGIC } from '../rounding.js';
import type { FloatArray, IntArray, Profile } from '../types.js';

/** Any integer array a quantize run writes codes into (Int32Array is fake-quantize's scratch). */
export type CodeArray = IntArray | Int32Array;

/*
 * The loops of the reference, written once: the executable form of docs/SPEC.md §2 (quantize), §5 (dequantize) and
 * §10 (histograms). Every backend reproduces what these functions compute, bit for bit.
 *
 * They are plain functions and run as they are (the tests run them), but the kernels do not call them: they call
 * copies of them in generated/loops.ts, which scripts/generate-kernels.mjs makes from this file, one per combination
 * of array classes and profile. The reason is V8: it optimises a typed-array access for the array classes that
 * access has seen, and past four classes the access turns megamorphic; a quantize loop shared by every
 * (Float32Array | Float64Array) x (Int8Array | Uint8Array | Int16Array | Uint16Array) pair drops from ~230 M to
 * ~22 M elements/s (measured on this project's machine). Closures made from one function literal share that
 * feedback, so only separate function literals help: the generated file holds one per combination, each of which
 * only ever sees one class per array, and nothing is compiled from strings at run time (the reference runs where
 * eval is forbidden: a CSP without 'unsafe-eval', Cloudflare Workers, `node --disallow-code-generation-from-strings`).
 *
 * Rules of this file, which the generator relies on (and checks):
 * - A parameter typed FloatArray, IntArray, CodeArray or HistogramCounts becomes one concrete class per copy.
 * - A parameter typed Profile or boolean is a switch: each copy fixes its value and drops the parameter. Conditions
 *   made of switches, `a instanceof Float32Array` on an array parameter, literals, ===, !==, !, && and || are folded,
 *   so a copy contains only the arithmetic of its combination (`if (x instanceof Float32Array) t = Math.fround(t)`
 *   is `t = Math.fround(t)` in a float32 copy and nothing in a float64 copy). A switch may appear nowhere else.
 * - A loop calls nothing but Math functions: a helper would be shared by all the copies and go megamorphic itself.
 *
 * Kernels never allocate and assume validated arguments (validate.ts, kernel-api.ts).
 */

/**
 * SPEC §2, one scale: codes of x[start, end) into out[start, end) with scale `scale` and zero point `zp`, saturated
 * to [qmin, qmax].
 */
export function quantizeRunLoop(x: FloatArray, out: CodeArray, start: number, end: number, scale: number, zp: number, qmin: number, qmax: number, profile: Profile): void {
  // fl(s): a float32 input works with the scale rounded to float32, a float64 input with the scale as it is.
  const s = x instanceof Float32Array ? Math.fround(scale) : scale;
  // The divisor fl(s) ('onnx'), or the multiplier fl(1 / fl(s)) ('pytorch', once per run like FBGEMM).
  const f = profile === 'onnx' ? s : x instanceof Float32Array ? Math.fround(1 / s) : 1 / s;
  // Saturation bounds of t, before the zero point is added.
  const lo = qmin - zp;
  const hi = qmax - zp;
  for (let i = start; i < end; i++) {
    // t = fl(x / fl(s)) or fl(x * fl(1 / fl(s))): the float64 quotient (product) of two float32 values rounded to
    // float32 is the float32 quotient (product), so Math.fround after a double operation is a float32 operation.
    let t = profile === 'onnx' ? x[i] / f : x[i] * f;
    if (x instanceof Float32Array) t = Math.fround(t);
    // clamp(t, qmin - zp, qmax - zp) in the float domain: `t > lo` is false for NaN, so NaN takes lo (code qmin);
    // ±Infinity and huge values saturate and can never wrap through an integer conversion.
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    // rne(t) + zp: adding and subtracting 1.5 * 2^52 rounds |t| < 2^51 to an integer, ties to even (rounding.ts);
    // the zero point is added after rounding; the sum is an exact integer inside [qmin, qmax], stored as it is.
    out[i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/**
 * SPEC §2 with one group per element: element start + i uses scales[g0 + i] and zeroPoints[g0 + i] (a row of
 * per-channel parameters along the last axis, or a row of blocks across an inner dimension, §4). The arithmetic is
 * quantizeRunLoop's, with the scale's rounding and reciprocal taken per element.
 */
export function quantizeGroupsLoop(x: FloatArray, out: IntArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number, qmin: number, qmax: number, profile: Profile): void {
  for (let i = 0; i < count; i++) {
    const s = x instanceof Float32Array ? Math.fround(scales[g0 + i]) : scales[g0 + i];
    const f = profile === 'onnx' ? s : x instanceof Float32Array ? Math.fround(1 / s) : 1 / s;
    const zp = zeroPoints[g0 + i];
    const lo = qmin - zp;
    const hi = qmax - zp;
    let t = profile === 'onnx' ? x[start + i] / f : x[start + i] * f;
    if (x instanceof Float32Array) t = Math.fround(t);
    t = t > lo ? t : lo;
    t = t < hi ? t : hi;
    out[start + i] = t + ROUND_MAGIC - ROUND_MAGIC + zp;
  }
}

/**
 * SPEC §5, one scale: out = (q - zp) * scale over [start, end), computed in float64 and rounded once by the store to
 * the output's precision. q - zp is an exact integer below 2^17, so for a float32 scale the double product is exact
 * and its float32 rounding is a float32 multiply (onnxruntime's DequantizeLinear).
 */
export function dequantizeRunLoop(q: IntArray, out: FloatArray, start: number, end: number, scale: number, zp: number): void {
  for (let i = start; i < end; i++) out[i] = (q[i] - zp) * scale;
}

/** SPEC §5 with one group per element: element start + i uses scales[g0 + i] and zeroPoints[g0 + i]. */
export function dequantizeGroupsLoop(q: IntArray, out: FloatArray, start: number, count: number, scales: FloatArray, zeroPoints: Int32Array, g0: number): void {
  for (let i = 0; i < count; i++) out[start + i] = (q[start + i] - zeroPoints[g0 + i]) * scales[g0 + i];
}

/**
 * SPEC §10: adds the histogram of x (of |x| when `abs`) over [min, max] to counts, one bin per element, in float64
 * without fused multiply-add. NaN and values outside [min, max] are skipped; max lands in the last bin. `| 0`
 * truncates the non-negative product (floor), and turns the NaN or +Infinity of an overflowing f (max - min
 * subnormal) into bin 0. `+= 1` is the counts array's own arithmetic (a Uint32Array wraps, a Float64Array rounds).
 */
export function histogramLoop(x: FloatArray, min: number, max: number, counts: HistogramCounts, abs: boolean): void {
  const n = counts.length;
  const f = max > min ? n / (max - min) : 0;
  const last = n - 1;
  for (let i = 0; i < x.length; i++) {
    const v = abs ? Math.abs(x[i]) : x[i];
    if (v >= min && v <= max) {
      const k = ((v - min) * f) | 0;
      counts[k < last ? k : last] += 1;
    }
  }
}
