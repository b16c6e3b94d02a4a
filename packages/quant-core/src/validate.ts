import { describeValue } from './describe-value.js';
import { ErrorCodes, fail, type ErrorCode } from './errors.js';
import { allocateOrLimit } from './limits.js';
import type { StorageSpec } from './storage.js';
import type { FloatArray, IntArray, Profile, Scheme } from './types.js';
import { checkAttached, intrinsicView, typedArrayName } from './views.js';

/** Messages show values with describeValue (never throws, shows the type: "the string '8'"). */
export { describeValue as describe } from './describe-value.js';

const FLOAT_ARRAYS: ReadonlySet<string> = new Set(['Float32Array', 'Float64Array']);
const INT_ARRAYS: ReadonlySet<string> = new Set(['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array']);
const BIGINT_ARRAYS: ReadonlySet<string> = new Set(['BigInt64Array', 'BigUint64Array']);

/** A Float32Array or Float64Array by brand (see views.ts), whatever its prototype says. */
export function isFloatArray(x: unknown): x is FloatArray {
  return FLOAT_ARRAYS.has(typedArrayName(x)!);
}

export function isIntArray(x: unknown): x is IntArray {
  return INT_ARRAYS.has(typedArrayName(x)!);
}

/**
 * `x` named `name` as a typed array of one of `names` (by brand), attached, and as a view whose prototype agrees with
 * its brand (views.ts): what every API entry point hands on. Else `code` saying `name` must be `expected`
 * (ERR_QUANT_DETACHED for a detached array).
 */
export function typedArrayOf<T>(x: unknown, names: ReadonlySet<string>, code: ErrorCode, name: string, expected: string): T {
  if (!names.has(typedArrayName(x)!)) fail(code, `${name} must be ${expected}, got ${describeValue(x)}`);
  return checkedView(x as ArrayBufferView, name) as T;
}

/** An attached view with its intrinsic prototype (ERR_QUANT_DETACHED otherwise); `x` must be a typed array. */
export function checkedView<T extends ArrayBufferView>(x: T, name: string): T {
  checkAttached(x, name);
  return intrinsicView(x);
}

export function floatInput(x: unknown, name: string): FloatArray {
  return typedArrayOf(x, FLOAT_ARRAYS, ErrorCodes.INPUT_TYPE, name, 'a Float32Array or Float64Array');
}

export function intInput(x: unknown, name: string): IntArray {
  return typedArrayOf(x, INT_ARRAYS, ErrorCodes.INPUT_TYPE, name, 'an Int8Array, Uint8Array, Int16Array or Uint16Array');
}

/**
 * floatInput as an assertion, for callers that go on with their own reference: the brand and detachment checks hold,
 * but a view whose prototype disagrees with its brand is not replaced (use floatInput where that matters).
 */
export function checkFloatArray(x: unknown, name: string): asserts x is FloatArray {
  floatInput(x, name);
}

export function checkIntArray(x: unknown, name: string): asserts x is IntArray {
  intInput(x, name);
}

export function checkScheme(scheme: unknown): Scheme {
  if (scheme === undefined) return 'affine';
  if (scheme !== 'affine' && scheme !== 'symmetric') {
    fail(ErrorCodes.OPTION, `scheme must be 'affine' or 'symmetric', got ${describeValue(scheme)}`);
  }
  return scheme;
}

export function checkProfile(profile: unknown): Profile {
  if (profile === undefined) return 'onnx';
  if (profile !== 'onnx' && profile !== 'pytorch') {
    fail(ErrorCodes.OPTION, `profile must be 'onnx' or 'pytorch', got ${describeValue(profile)}`);
  }
  return profile;
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(ErrorCodes.OPTION, `${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

/**
 * A scale must be finite and > 0 in the precision it is used in: for float32 tensors it is first rounded to float32,
 * so 1e-50 (rounds to 0) and 1e39 (rounds to Infinity) are rejected there.
 */
export function checkScale(scale: unknown, single: boolean, name = 'scale'): number {
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
    fail(ErrorCodes.SCALE, `${name} must be a finite number > 0, got ${describeValue(scale)}`);
  }
  const used = single ? Math.fround(scale) : scale;
  if (!(used > 0) || !Number.isFinite(used)) {
    fail(ErrorCodes.SCALE, `${name} ${scale} is not a finite positive float32 (it rounds to ${used})`);
  }
  return used;
}

export function checkZeroPoint(zp: unknown, spec: StorageSpec, name = 'zeroPoint'): number {
  if (typeof zp !== 'number' || !Number.isInteger(zp) || zp < spec.qmin || zp > spec.qmax) {
    fail(ErrorCodes.ZERO_POINT, `${name} must be an integer in [${spec.qmin}, ${spec.qmax}], got ${describeValue(zp)}`);
  }
  return zp;
}

/** Scales for `groups` groups, as an array of the tensor's precision (float32 scales are rounded). */
export function checkScales(scales: unknown, groups: number, single: boolean): FloatArray {
  const values = numbersOf(scales, ErrorCodes.SCALE, 'scale', groups);
  const out = allocateOrLimit(groups, (n) => (single ? new Float32Array(n) : new Float64Array(n)));
  for (let i = 0; i < groups; i++) {
    // The common case without a call or a message string per group (blocked tensors have many groups).
    const v = values[i]!;
    const used = typeof v === 'number' ? (single ? Math.fround(v) : v) : NaN;
    out[i] = used > 0 && used < Infinity ? used : checkScale(v, single, `scale[${i}]`);
  }
  return out;
}

export function checkZeroPoints(zps: unknown, groups: number, spec: StorageSpec): Int32Array {
  const values = numbersOf(zps, ErrorCodes.ZERO_POINT, 'zeroPoint', groups);
  const out = allocateOrLimit(groups, (n) => new Int32Array(n));
  for (let i = 0; i < groups; i++) {
    const z = values[i]!;
    out[i] = typeof z === 'number' && Number.isInteger(z) && z >= spec.qmin && z <= spec.qmax ? z : checkZeroPoint(z, spec, `zeroPoint[${i}]`);
  }
  return out;
}

/** An array of `groups` entries to read numbers from (elements are checked by the caller), else `code`. */
function numbersOf(a: unknown, code: ErrorCode, name: string, groups: number): ArrayLike<unknown> {
  if (!isArrayLikeOfNumbers(a)) fail(code, `${name} must be an array of ${groups} numbers for this granularity, got ${describeValue(a)}`);
  const values = ArrayBuffer.isView(a) ? checkedView(a, name) : a;
  if (values.length !== groups) fail(code, `${name} has ${values.length} elements; this granularity needs ${groups}`);
  return values;
}

/** An Array, or a typed array of numbers (not a BigInt64Array / BigUint64Array, not a DataView). Elements are not checked. */
export function isArrayLikeOfNumbers(a: unknown): a is ArrayLike<number> & object {
  if (Array.isArray(a)) return true;
  const name = typedArrayName(a);
  return name !== undefined && !BIGINT_ARRAYS.has(name);
}

/** A caller-provided output: a typed array named `expectedName` (by brand) of `length` elements, attached. */
export function checkOutput<T extends ArrayBufferView>(out: unknown, expectedName: string, length: number): T {
  if (typedArrayName(out) !== expectedName) fail(ErrorCodes.OUTPUT, `out must be a ${expectedName}, got ${describeValue(out)}`);
  const view = checkedView(out as T, 'out');
  const len = (view as unknown as ArrayLike<number>).length;
  if (len !== length) fail(ErrorCodes.OUTPUT, `out must have ${length} elements, got ${len}`);
  return view;
}

/**
 * An output must not share memory with an input: the kernels write while they read (and in chunks on several
 * threads), so an overlap would silently corrupt the input before it is read.
 */
export function checkDisjoint(out: ArrayBufferView, input: ArrayBufferView, inputName: string): void {
  if (out.buffer !== input.buffer || out.byteLength === 0 || input.byteLength === 0) return;
  const outEnd = out.byteOffset + out.byteLength;
  const inputEnd = input.byteOffset + input.byteLength;
  if (out.byteOffset < inputEnd && input.byteOffset < outEnd) {
    fail(ErrorCodes.OUTPUT, `out overlaps ${inputName} (bytes ${Math.max(out.byteOffset, input.byteOffset)}..${Math.min(outEnd, inputEnd) - 1} of one buffer); pass a separate array`);
  }
}
