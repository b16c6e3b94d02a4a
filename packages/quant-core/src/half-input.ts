import { ErrorCodes, fail } from './errors.js';
import { describeValue } from './describe-value.js';
import { isHalfValue, minHalfScale, roundToHalf, widenHalf } from './half.js';
import { allocateOrLimit } from './limits.js';
import type { FloatArray, FloatDType, HalfDType, TensorDType } from './types.js';
import { checkedView } from './validate.js';
import { typedArrayName } from './views.js';

/*
 * Half-precision inputs of the API (docs/SPEC.md §12). A Uint16Array holds bit patterns of the type the `dtype` option
 * names (required: the array alone is ambiguous); a Float16Array (where the runtime has one) is float16 values. The
 * arithmetic is that of onnxruntime's QuantizeLinear on float16 inputs: every value widened exactly to float32, then
 * the float32 contract with a scale that is a value of the half type. Min/max, quantize and dequantize run the
 * backends' half kernels on the bits, and the calibrators read the bits (calibrate/half-values.ts); the paths left
 * (error metrics, the fused blocked-from-data kernel) run the float32 kernels on the input widened once into a
 * Float32Array (widenAll), made on first use.
 */

/** A quantize input resolved: the values to run the float kernels on, the precision they stand for. */
export interface ResolvedInput {
  /** The input itself (float32 / float64); undefined for a half input (widenAll makes its float32 values on demand). */
  readonly x: FloatArray | undefined;
  /** A half input's bit patterns (a plain Uint16Array view of the caller's memory). */
  readonly bits: Uint16Array | undefined;
  readonly length: number;
  /** The kernels' precision: 'float32' for half inputs. */
  readonly dtype: FloatDType;
  /** The half type of the input, when it is one. */
  readonly half: HalfDType | undefined;
  /** The caller's array (for overlap checks). */
  readonly source: ArrayBufferView;
}

const FLOATS: ReadonlySet<string> = new Set(['Float32Array', 'Float64Array']);

export function checkHalfDType(dtype: unknown, name = 'dtype'): HalfDType {
  if (dtype !== 'float16' && dtype !== 'bfloat16') fail(ErrorCodes.OPTION, `${name} must be 'float16' or 'bfloat16', got ${describeValue(dtype)}`);
  return dtype;
}

export function isHalf(dtype: TensorDType): dtype is HalfDType {
  return dtype === 'float16' || dtype === 'bfloat16';
}

/** Resolves quantize's input and its `dtype` option. */
export function resolveInput(input: unknown, dtypeOption: unknown, name = 'x'): ResolvedInput {
  const kind = typedArrayName(input);
  if (kind !== undefined && FLOATS.has(kind)) {
    const x = checkedView(input as FloatArray, name);
    const dtype: FloatDType = kind === 'Float32Array' ? 'float32' : 'float64';
    if (dtypeOption !== undefined && dtypeOption !== dtype) {
      fail(ErrorCodes.OPTION, `dtype ${describeValue(dtypeOption)} does not describe ${name}, ${describeValue(x)} (a ${dtype} array); leave it out`);
    }
    return { x, bits: undefined, length: x.length, dtype, half: undefined, source: x };
  }
  if (kind === 'Uint16Array' || kind === 'Float16Array') {
    const bits = checkedView(input as Uint16Array, name);
    let half: HalfDType;
    if (kind === 'Float16Array') {
      if (dtypeOption !== undefined && dtypeOption !== 'float16') fail(ErrorCodes.OPTION, `dtype must be 'float16' (or left out) for a Float16Array, got ${describeValue(dtypeOption)}`);
      half = 'float16';
    } else {
      if (dtypeOption === undefined) {
        fail(ErrorCodes.OPTION, `${name} is a Uint16Array: pass dtype: 'float16' or 'bfloat16' to say which half-precision bit patterns it holds`);
      }
      half = checkHalfDType(dtypeOption);
    }
    const view = new Uint16Array(bits.buffer, bits.byteOffset, bits.length);
    return { x: undefined, bits: view, length: view.length, dtype: 'float32', half, source: bits };
  }
  return fail(ErrorCodes.INPUT_TYPE, `${name} must be a Float32Array or Float64Array, or a Uint16Array of float16 / bfloat16 bits with the dtype option, got ${describeValue(input)}`);
}

/** The exact float32 values of half bit patterns, in a new array (the paths without half kernels run on it). */
export function widenAll(bits: Uint16Array, half: HalfDType): Float32Array {
  const x = allocateOrLimit(bits.length, (n) => new Float32Array(n));
  widenHalf(bits, half, 0, bits.length, x);
  return x;
}

/** An explicit scale of a half tensor: the number rounded to the half type (as float32 scales are rounded to float32). */
export function halfScale(scale: number, half: HalfDType, name = 'scale'): number {
  const used = roundToHalf(scale, half);
  if (!(used >= minHalfScale(half)) || !(used < Infinity)) {
    fail(ErrorCodes.SCALE, `${name} ${scale} is not a usable ${half} scale (it rounds to ${used}; the smallest is ${minHalfScale(half)})`);
  }
  return used;
}

/** halfScale of every element, in place (an element's name is made only for the error of one that fails). */
export function halfScales(scales: FloatArray, half: HalfDType): void {
  const min = minHalfScale(half);
  for (let i = 0; i < scales.length; i++) {
    const used = roundToHalf(scales[i]!, half);
    scales[i] = used >= min && used < Infinity ? used : halfScale(scales[i]!, half, `scale[${i}]`);
  }
}

/** The scales of a stored half tensor must be values of its type. */
export function checkHalfScaleValue(scale: number, half: HalfDType, name: string): void {
  if (!isHalfValue(scale, half)) fail(ErrorCodes.SCALE, `${name} ${scale} is not a ${half} value (a ${half} tensor's scales are)`);
}
