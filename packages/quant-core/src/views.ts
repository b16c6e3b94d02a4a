import { ErrorCodes, fail } from './errors.js';

/*
 * What a typed array really is, whatever its prototype chain says. Identity is the brand (the internal
 * [[TypedArrayName]], read with the %TypedArray%.prototype[Symbol.toStringTag] getter), never `instanceof`: a
 * Uint8Array whose prototype was set to Float32Array.prototype is a Uint8Array. Lengths, offsets and buffers are read
 * with the intrinsic getters for the same reason. Every check here is O(1).
 */

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsicGetter = (target: object, key: PropertyKey): ((this: unknown) => unknown) => Object.getOwnPropertyDescriptor(target, key)!.get!;
const brandGetter = intrinsicGetter(TypedArrayPrototype, Symbol.toStringTag);
const bufferGetter = intrinsicGetter(TypedArrayPrototype, 'buffer');
const byteLengthGetter = intrinsicGetter(TypedArrayPrototype, 'byteLength');
const byteOffsetGetter = intrinsicGetter(TypedArrayPrototype, 'byteOffset');
const lengthGetter = intrinsicGetter(TypedArrayPrototype, 'length');
// ES2024 getters; Node.js 20 lacks `detached` (then detachment is recognised by a failing view construction).
const detachedGetter = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get;
const resizableGetter = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get;
const growableGetter = typeof SharedArrayBuffer === 'function' ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'growable')?.get : undefined;

type TypedArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** Every typed-array class of this realm, by brand. */
const CLASSES: Readonly<Record<string, TypedArrayConstructor>> = Object.freeze(
  Object.fromEntries(
    ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']
      .map((name) => [name, (globalThis as Record<string, unknown>)[name]])
      .filter(([, Class]) => typeof Class === 'function'),
  ) as Record<string, TypedArrayConstructor>,
);

/** The brand of a typed array ('Float32Array', ...), or undefined for anything else (a Proxy, a DataView, a number). */
export function typedArrayName(x: unknown): string | undefined {
  return brandGetter.call(x) as string | undefined;
}

/**
 * `view` itself when its prototype chain agrees with its brand (the usual case, subclasses included); otherwise a new
 * view of the same memory with the intrinsic prototype, so that every later `instanceof`, `.length` or `.subarray`
 * means what the brand says (an array from another realm becomes one of this realm, over the same bytes).
 */
export function intrinsicView<T>(view: T): T {
  const name = typedArrayName(view);
  const Class = name === undefined ? undefined : CLASSES[name];
  // A detached view cannot be re-made; checkAttached reports it.
  if (Class === undefined || view instanceof Class || isDetached(view as ArrayBufferView)) return view;
  return new Class(bufferGetter.call(view) as ArrayBufferLike, byteOffsetGetter.call(view) as number, lengthGetter.call(view) as number) as T;
}

/** Whether a typed array's buffer is detached (transferred or structured-cloned away); always false for views of a SharedArrayBuffer. */
export function isDetached(view: ArrayBufferView): boolean {
  if ((byteLengthGetter.call(view) as number) !== 0) return false;
  const buffer = bufferGetter.call(view) as ArrayBufferLike;
  if (detachedGetter !== undefined) {
    try {
      return detachedGetter.call(buffer) === true;
    } catch {
      return false; // a SharedArrayBuffer
    }
  }
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Whether a typed array is a view of a resizable ArrayBuffer or a growable SharedArrayBuffer. */
export function isResizable(view: ArrayBufferView): boolean {
  const buffer = bufferGetter.call(view);
  try {
    if (resizableGetter?.call(buffer) === true) return true;
  } catch {
    // not an ArrayBuffer: a SharedArrayBuffer
  }
  try {
    return growableGetter?.call(buffer) === true;
  } catch {
    return false;
  }
}

/** ERR_QUANT_DETACHED when `view` (a typed array) is detached. */
export function checkAttached(view: ArrayBufferView, name: string): void {
  if (isDetached(view)) fail(ErrorCodes.DETACHED, `${name} is a view of a detached ArrayBuffer (it was transferred): pass an array whose memory is still there`);
}

/**
 * The async rule: nothing may resize the memory an async call reads or writes while it runs, so views of resizable or
 * growable buffers are refused there (ERR_QUANT_INPUT_TYPE for an input, ERR_QUANT_OUTPUT for an output). The
 * synchronous API accepts them: nothing can resize a buffer during a synchronous call.
 */
export function checkFixedLength(view: ArrayBufferView, name: string, role: 'input' | 'output'): void {
  if (!isResizable(view)) return;
  const code = role === 'input' ? ErrorCodes.INPUT_TYPE : ErrorCodes.OUTPUT;
  fail(code, `${name} is a view of a resizable or growable buffer, which async calls refuse (it could be resized while the call runs): pass a fixed-length array, or use the synchronous API`);
}

/** ERR_QUANT_DETACHED when any of these arrays was detached (async calls check this after the backend finished). */
export function checkStillAttached(views: readonly (ArrayBufferView | undefined)[], call: string): void {
  for (const view of views) {
    if (view !== undefined && isDetached(view)) fail(ErrorCodes.DETACHED, `an array of this ${call} was detached (transferred) while the call ran; its result is lost`);
  }
}
