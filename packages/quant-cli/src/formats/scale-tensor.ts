import { narrowToHalf, widenHalf, type FloatArray, type TensorDType } from '../lib.js';
import type { FloatDtype } from './dtypes.js';
import { halfTypeOf, type TensorValues } from './tensor-values.js';

/*
 * Scales between the library and a file's scale tensor. A half tensor's scales are values of its half type held in
 * float32 numbers (docs/SPEC.md §12), so storing them as F16 / BF16 and widening them back are both exact.
 */

/** The scales as the elements of a scale tensor of `dtype` (half types as bit patterns). */
export function storedScales(scale: number | FloatArray, dtype: FloatDtype): FloatArray | Uint16Array {
  const values = typeof scale === 'number' ? [scale] : scale;
  if (dtype === 'F32') return values instanceof Float32Array ? values : Float32Array.from(values);
  if (dtype === 'F64') return values instanceof Float64Array ? values : Float64Array.from(values);
  const half = halfTypeOf(dtype)!;
  const exact = Float64Array.from(values);
  const bits = new Uint16Array(exact.length);
  narrowToHalf(exact, half, bits);
  const back = new Float32Array(bits.length);
  widenHalf(bits, half, 0, bits.length, back);
  const lost = back.findIndex((v, i) => v !== exact[i]);
  if (lost >= 0) throw new Error(`internal error: the library returned the scale ${exact[lost]}, which is not a ${half} value`);
  return bits;
}

/** A scale tensor's values for a QuantizedTensor, and the `dtype` they make it: half scales make a half tensor. */
export function loadedScales(stored: TensorValues): { readonly scales: FloatArray; readonly dtype: TensorDType } {
  if (stored.half === undefined) return { scales: stored.data.slice(), dtype: stored.data instanceof Float64Array ? 'float64' : 'float32' };
  const scales = new Float32Array(stored.data.length);
  widenHalf(stored.data, stored.half, 0, scales.length, scales);
  return { scales, dtype: stored.half };
}
