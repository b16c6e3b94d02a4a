import { ErrorCodes, fail } from './errors.js';
import { MIN_NORMAL_F32, MIN_NORMAL_F64, roundHalfEven } from './rounding.js';
import type { StorageSpec } from './storage.js';
import type { FloatDType, Scheme } from './types.js';

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
export function qparamsFromRange(min: number, max: number, scheme: Scheme, spec: StorageSpec, dtype: FloatDType): QParams {
  if (min === Infinity && max === -Infinity) {
    min = 0;
    max = 0;
  }
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    fail(ErrorCodes.RANGE, `range must satisfy min <= max, got [${min}, ${max}]`);
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    fail(ErrorCodes.RANGE, `range must be finite, got [${min}, ${max}] (the data holds ±Infinity: pass an explicit range)`);
  }
  const single = dtype === 'float32';
  if (scheme === 'symmetric') {
    const absmax = Math.max(-min, max, 0);
    return { scale: fitScale(absmax / (2 ** (spec.bits - 1) - 1), absmax, single, min, max), zeroPoint: 0 };
  }
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = fitScale((hi - lo) / (spec.qmax - spec.qmin), hi - lo, single, min, max);
  const quotient = lo / scale;
  const zp = spec.qmin - roundHalfEven(single ? Math.fround(quotient) : quotient);
  return { scale, zeroPoint: Math.min(Math.max(zp, spec.qmin), spec.qmax) };
}

/** The scale for a range of `width`: 1 for a zero width, else `raw` in the tensor's precision, at least the smallest normal. */
function fitScale(raw: number, width: number, single: boolean, min: number, max: number): number {
  if (width === 0) return 1;
  const s = single ? Math.fround(raw) : raw;
  if (!Number.isFinite(s)) fail(ErrorCodes.RANGE, `range [${min}, ${max}] is too wide for a ${single ? 'float32' : 'float64'} scale`);
  const minNormal = single ? MIN_NORMAL_F32 : MIN_NORMAL_F64;
  return s < minNormal ? minNormal : s;
}
