import type { Int8Rounding, ScalarPrecision } from './types.js';

/*
 * The int8/uint8 kernel (docs/EMBEDDINGS.md §2). Per value, in the working precision (float32 when `starts` is a
 * Float32Array: every operation rounded with Math.fround, which gives the float32 result because float64 carries more
 * than 2 * 24 + 2 bits; float64 otherwise):
 *   t = fl(fl(x - start) / (step == 0 ? 1 : step))
 *   uint8 = floor(clamp(t, 0, 255)), NaN -> 0
 *   int8  = uint8 - 128                                   ('floor')
 *         = trunc(clamp(fl(t - 128), -128, 127)), NaN -> -128   ('toward-zero')
 * native/src/kernels/common/embeddings.h is the same arithmetic in C++.
 */

/** The bucket of x in [0, 255]: floor of the clamped position; NaN and everything at or below `start` give 0. */
export function bucketFloat32(x: number, start: number, step: number): number {
  const t = Math.fround(Math.fround(x - start) / (step === 0 ? 1 : step));
  if (!(t > 0)) return 0;
  return t >= 255 ? 255 : Math.floor(t);
}

export function bucketFloat64(x: number, start: number, step: number): number {
  const t = (x - start) / (step === 0 ? 1 : step);
  if (!(t > 0)) return 0;
  return t >= 255 ? 255 : Math.floor(t);
}

/** The 'toward-zero' int8 code: trunc(fl(t - 128)) saturated to [-128, 127]; NaN gives -128. */
export function int8TowardZeroFloat32(x: number, start: number, step: number): number {
  const v = Math.fround(Math.fround(Math.fround(x - start) / (step === 0 ? 1 : step)) - 128);
  if (!(v > -128)) return -128;
  return v >= 127 ? 127 : Math.trunc(v);
}

export function int8TowardZeroFloat64(x: number, start: number, step: number): number {
  const v = (x - start) / (step === 0 ? 1 : step) - 128;
  if (!(v > -128)) return -128;
  return v >= 127 ? 127 : Math.trunc(v);
}

/**
 * Quantizes the rows of x (x.length / dim of them) into out (same length). `starts` and `steps` have `dim` entries;
 * their array type chooses the precision (x must be of that precision: a Float64Array x with float32 ranges is the
 * caller's mistake). No allocation.
 */
export function quantizeEmbeddingRows(
  x: ArrayLike<number>,
  dim: number,
  starts: Float32Array | Float64Array,
  steps: Float32Array | Float64Array,
  precision: ScalarPrecision,
  int8Rounding: Int8Rounding,
  out: Int8Array | Uint8Array,
): void {
  const single = starts instanceof Float32Array;
  const n = x.length;
  if (precision === 'int8' && int8Rounding === 'toward-zero') {
    const code = single ? int8TowardZeroFloat32 : int8TowardZeroFloat64;
    for (let i = 0, d = 0; i < n; i++, d = d + 1 === dim ? 0 : d + 1) out[i] = code(x[i]!, starts[d]!, steps[d]!);
    return;
  }
  const bucket = single ? bucketFloat32 : bucketFloat64;
  const offset = precision === 'int8' ? 128 : 0;
  for (let i = 0, d = 0; i < n; i++, d = d + 1 === dim ? 0 : d + 1) out[i] = bucket(x[i]!, starts[d]!, steps[d]!) - offset;
}
