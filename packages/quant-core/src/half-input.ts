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
 * the float32 contract with a scale that is a value of the half type. This first version widens the whole input into
 * a Float32Array and runs the float32 kernels on it (bit-exact by construction; native kernels that read halves
 * directly come next).
 */

/** A quantize input resolved: the values to run the float kernels on, the precision they stand for. */
export interface ResolvedInput {
  /** The input itself (float32 / float64), or its exact float32 widening (half). */
  readonly x: FloatArray;
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
    return { x, dtype, half: undefined, source: x };
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
    const x = allocateOrLimit(view.length, (n) => new Float32Array(n));
    widenHalf(view, half, 0, view.length, x);
    return { x, dtype: 'float32', half, source: bits };
  }
  return fail(ErrorCodes.INPUT_TYPE, `${name} must be a Float32Array or Float64Array, or a Uint16Array of float16 / bfloat16 bits with the dtype option, got ${describeValue(input)}`);
}

/** An explicit scale of a half tensor: the number rounded to the half type (as float32 scales are rounded to float32). */
export function halfScale(scale: number, half: HalfDType, name = 'scale'): number {
  const used = roundToHalf(scale, half);
  if (!(used >= minHalfScale(half)) || !(used < Infinity)) {
    fail(ErrorCodes.SCALE, `${name} ${scale} is not a usable ${half} scale (it rounds to ${used}; the smallest is ${minHalfScale(half)})`);
  }
  return used;
}

/** The scales of a stored half tensor must be values of its type. */
export function checkHalfScaleValue(scale: number, half: HalfDType, name: string): void {
  if (!isHalfValue(scale, half)) fail(ErrorCodes.SCALE, `${name} ${scale} is not a ${half} value (a ${half} tensor's scales are)`);
}
