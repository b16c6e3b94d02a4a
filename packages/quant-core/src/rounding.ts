/**
 * Rounding helpers of the reference. They are the numeric contract in code; the C++ kernels mirror them.
 *
 * 1.5 * 2^52: adding and subtracting it rounds any double |v| < 2^51 to an integer with ties to even, because the
 * sum's unit in the last place is 1 and IEEE addition rounds half to even. The kernels only apply it after clamping
 * v into [qmin - zp, qmax - zp] (|v| < 2^17), so it is exact there; it is several times faster than a branchy
 * roundHalfEven and, unlike Math.round (half up), it is the rounding ONNX, numpy and `cvtps2dq` use.
 */
export const ROUND_MAGIC = 6755399441055744;

/** Round half to even for any finite double; NaN stays NaN, ±Infinity stays as is. */
export function roundHalfEven(v: number): number {
  if (!(Math.abs(v) < 4503599627370496)) return v; // |v| >= 2^52 is already an integer (or NaN / Inf)
  return v + ROUND_MAGIC - ROUND_MAGIC;
}

/** Smallest positive normal number of each precision: computed scales never go below it (see SPEC.md). */
export const MIN_NORMAL_F32 = 2 ** -126;
export const MIN_NORMAL_F64 = 2 ** -1022;
