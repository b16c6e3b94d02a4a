import { ErrorCodes, fail } from './errors.js';
import { MIN_NORMAL_F32, MIN_NORMAL_F64, roundHalfEven } from './rounding.js';
import type { StorageSpec } from './storage.js';
import { minHalfScale, roundToHalf } from './half.js';
import type { HalfDType, Scheme, TensorDType } from './types.js';

export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Quantization parameters from a real range [min, max], in the tensor's precision (float32 scales are rounded once,
 * from a float64 quotient, as onnxruntime's quantization tool does).
 *
 * affine:    the range is widened to include 0 (so 0.0 is represented exactly),
 *            scale = (max - min) / (qmax - qmin), zeroPoint = qmin - roundHalfEven(min / scale), clamped to [qmin, qmax].
 * symmetric: scale = max(|min|, |max|) / (2^(bits-1) - 1), zeroPoint = 0.
 *
 * Degenerate ranges: an empty range (min = +Infinity, max = -Infinity: no data or only NaN) and a zero-width range at
 * 0 give scale 1; a range so small that the scale would be subnormal gets the smallest normal scale instead, so
 * x / scale stays finite. A constant c therefore quantizes to a code that dequantizes back to c whenever c is a
 * multiple of its scale (always for c = 0).
 */
export function qparamsFromRange(min: number, max: number, scheme: Scheme, spec: StorageSpec, dtype: TensorDType): QParams {
  ONE_MIN[0] = min;
  ONE_MAX[0] = max;
  qparamsFromRanges(ONE_MIN, ONE_MAX, scheme, spec, dtype, ONE_SCALE, ONE_ZERO_POINT);
  return { scale: ONE_SCALE[0]!, zeroPoint: ONE_ZERO_POINT[0]! };
}

// Scratch for the single-range form (JavaScript is single-threaded and qparamsFromRanges calls nothing re-entrant).
const ONE_MIN = new Float64Array(1);
const ONE_MAX = new Float64Array(1);
const ONE_SCALE = new Float64Array(1);
const ONE_ZERO_POINT = new Int32Array(1);

/**
 * qparamsFromRange for every group i: [min[i], max[i]] -> scales[i], zeroPoints[i]. One loop without an object or a
 * closure per group, because blocked tensors have a group per 32 elements. Throws ERR_QUANT_RANGE for the first bad
 * range. Values stored into a Float32Array are already float32 for float32 tensors.
 */
export function qparamsFromRanges(
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  scheme: Scheme,
  spec: StorageSpec,
  dtype: TensorDType,
  scales: Float32Array | Float64Array,
  zeroPoints: Int32Array,
): void {
  const half = dtype === 'float16' || dtype === 'bfloat16' ? dtype : undefined;
  const single = dtype !== 'float64';
  const symmetric = scheme === 'symmetric';
  for (let i = 0; i < min.length; i++) {
    if (!paramsOfRange(min[i]!, max[i]!, symmetric, spec.qmin, spec.qmax, single, scales, zeroPoints, i, half)) rangeError(min[i]!, max[i]!, dtype);
  }
}

/**
 * The parameters of one range [lo, hi] into scales[i] and zeroPoints[i] (the arithmetic of qparamsFromRanges, for
 * kernels that choose parameters group by group: quantizeBlockedMinMax). Symmetric codes are signed with
 * qmax = 2^(bits-1) - 1, so `levels` is qmax for symmetric and qmax - qmin for affine. Returns false, writing
 * nothing, for a range qparamsFromRanges refuses (rangeError says why).
 */
export function paramsOfRange(
  lo: number,
  hi: number,
  symmetric: boolean,
  qmin: number,
  qmax: number,
  single: boolean,
  scales: Float32Array | Float64Array,
  zeroPoints: Int32Array,
  i: number,
  half?: HalfDType,
): boolean {
  if (lo === Infinity && hi === -Infinity) {
    lo = 0;
    hi = 0;
  }
  if (!(lo <= hi) || !(lo > -Infinity && hi < Infinity)) return false;
  const levels = symmetric ? qmax : qmax - qmin;
  // symmetric: the largest magnitude; affine: the range widened to include 0.
  const low = symmetric ? 0 : Math.min(lo, 0);
  const width = symmetric ? Math.max(-lo, hi, 0) : Math.max(hi, 0) - low;
  let scale = 1;
  if (width !== 0) {
    const raw = width / levels;
    // One rounding of the float64 quotient to the scale's type: the tensor's own (a half type for half tensors,
    // whose scales ONNX types like the input).
    scale = half !== undefined ? roundToHalf(raw, half) : single ? Math.fround(raw) : raw;
    if (!(scale < Infinity)) return false;
    const minScale = half !== undefined ? minHalfScale(half) : single ? MIN_NORMAL_F32 : MIN_NORMAL_F64;
    if (scale < minScale) scale = minScale;
  }
  scales[i] = scale;
  if (symmetric) {
    zeroPoints[i] = 0;
  } else {
    const quotient = low / scale;
    const zp = qmin - roundHalfEven(single ? Math.fround(quotient) : quotient);
    zeroPoints[i] = Math.min(Math.max(zp, qmin), qmax);
  }
  return true;
}

/** Throws the ERR_QUANT_RANGE of a range that paramsOfRange refuses. */
export function rangeError(lo: number, hi: number, dtype: TensorDType): never {
  if (lo === Infinity && hi === -Infinity) lo = hi = 0;
  if (!(lo <= hi)) fail(ErrorCodes.RANGE, `range must satisfy min <= max, got [${lo}, ${hi}]`);
  if (!(lo > -Infinity && hi < Infinity)) {
    fail(ErrorCodes.RANGE, `range must be finite, got [${lo}, ${hi}] (the data holds ±Infinity: pass an explicit range)`);
  }
  return fail(ErrorCodes.RANGE, `range [${lo}, ${hi}] is too wide for a ${dtype} scale`);
}
