import { ErrorCodes, fail } from './errors.js';
import { isIntArray, type StorageSpec } from './storage.js';
import type { FloatArray, IntArray, Profile, Scheme } from './types.js';

export function isFloatArray(x: unknown): x is FloatArray {
  return x instanceof Float32Array || x instanceof Float64Array;
}

export function checkFloatArray(x: unknown, name: string): asserts x is FloatArray {
  if (!isFloatArray(x)) {
    fail(ErrorCodes.INPUT_TYPE, `${name} must be a Float32Array or Float64Array, got ${describe(x)}`);
  }
}

export function checkIntArray(x: unknown, name: string): asserts x is IntArray {
  if (!isIntArray(x)) {
    fail(ErrorCodes.INPUT_TYPE, `${name} must be an Int8Array, Uint8Array, Int16Array or Uint16Array, got ${describe(x)}`);
  }
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x !== 'object') return typeof x;
  return (x as object).constructor?.name ?? 'object';
}

export function checkScheme(scheme: unknown): Scheme {
  if (scheme === undefined) return 'affine';
  if (scheme !== 'affine' && scheme !== 'symmetric') {
    fail(ErrorCodes.OPTION, `scheme must be 'affine' or 'symmetric', got ${JSON.stringify(scheme)}`);
  }
  return scheme;
}

export function checkProfile(profile: unknown): Profile {
  if (profile === undefined) return 'onnx';
  if (profile !== 'onnx' && profile !== 'pytorch') {
    fail(ErrorCodes.OPTION, `profile must be 'onnx' or 'pytorch', got ${JSON.stringify(profile)}`);
  }
  return profile;
}

export function checkBoolean(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail(ErrorCodes.OPTION, `${name} must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * A scale must be finite and > 0 in the precision it is used in: for float32 tensors it is first rounded to float32,
 * so 1e-50 (rounds to 0) and 1e39 (rounds to Infinity) are rejected there.
 */
export function checkScale(scale: unknown, single: boolean, name = 'scale'): number {
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) {
    fail(ErrorCodes.SCALE, `${name} must be a finite number > 0, got ${String(scale)}`);
  }
  const used = single ? Math.fround(scale) : scale;
  if (!(used > 0) || !Number.isFinite(used)) {
    fail(ErrorCodes.SCALE, `${name} ${scale} is not a finite positive float32 (it rounds to ${used})`);
  }
  return used;
}

export function checkZeroPoint(zp: unknown, spec: StorageSpec, name = 'zeroPoint'): number {
  if (typeof zp !== 'number' || !Number.isInteger(zp) || zp < spec.qmin || zp > spec.qmax) {
    fail(ErrorCodes.ZERO_POINT, `${name} must be an integer in [${spec.qmin}, ${spec.qmax}], got ${String(zp)}`);
  }
  return zp;
}

/** Scales for `groups` groups, as an array of the tensor's precision (float32 scales are rounded). */
export function checkScales(scales: unknown, groups: number, single: boolean): FloatArray {
  if (!isArrayLikeOfNumbers(scales)) fail(ErrorCodes.SCALE, `scale must be an array of ${groups} numbers for this granularity`);
  if (scales.length !== groups) fail(ErrorCodes.SCALE, `scale has ${scales.length} elements; this granularity needs ${groups}`);
  const out = single ? new Float32Array(groups) : new Float64Array(groups);
  for (let i = 0; i < groups; i++) {
    // The common case without a call or a message string per group (blocked tensors have many groups).
    const v = scales[i]!;
    const used = single ? Math.fround(v) : v;
    out[i] = typeof v === 'number' && v > 0 && v < Infinity && used > 0 && used < Infinity ? used : checkScale(v, single, `scale[${i}]`);
  }
  return out;
}

export function checkZeroPoints(zps: unknown, groups: number, spec: StorageSpec): Int32Array {
  if (!isArrayLikeOfNumbers(zps)) fail(ErrorCodes.ZERO_POINT, `zeroPoint must be an array of ${groups} integers for this granularity`);
  if (zps.length !== groups) fail(ErrorCodes.ZERO_POINT, `zeroPoint has ${zps.length} elements; this granularity needs ${groups}`);
  const out = new Int32Array(groups);
  for (let i = 0; i < groups; i++) {
    const z = zps[i]!;
    out[i] = typeof z === 'number' && Number.isInteger(z) && z >= spec.qmin && z <= spec.qmax ? z : checkZeroPoint(z, spec, `zeroPoint[${i}]`);
  }
  return out;
}

export function isArrayLikeOfNumbers(a: unknown): a is ArrayLike<number> {
  return Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView));
}

export function checkOutput(out: unknown, expectedName: string, length: number): void {
  if (describe(out) !== expectedName) fail(ErrorCodes.OUTPUT, `out must be a ${expectedName}, got ${describe(out)}`);
  const len = (out as ArrayLike<number>).length;
  if (len !== length) fail(ErrorCodes.OUTPUT, `out must have ${length} elements, got ${len}`);
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
