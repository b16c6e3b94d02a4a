/**
 * The arrays the API returns after a kernel has written every one of their elements (codes, dequantized values,
 * fake-quantized values). A zero-filled `new Float32Array(n)` is fresh memory from the allocator (calloc): its first
 * write faults every 4 KiB page in, which costs several times the kernel's own work for a tensor of a few MiB
 * (docs/BENCHMARKS.md, "fresh outputs"). Node's `Buffer.allocUnsafeSlow` takes memory the allocator recycles without
 * zeroing it: already mapped, usually still in cache. That is safe here only because the kernel overwrites every
 * element before the array is returned, and a call that fails drops the array unread; so this is used for those
 * outputs alone. Where `Buffer` is absent (browsers), or for small arrays, it is the plain zeroed constructor. The
 * result is a typed array over an ArrayBuffer of its own (never Node's shared pool), exactly `length` elements long.
 */

type FreshArrayType = Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Float32ArrayConstructor | Float64ArrayConstructor;

/** Below this many bytes a zeroed array costs next to nothing. */
const UNINITIALISED_FROM_BYTES = 64 * 1024;

interface UnsafeBufferHost {
  allocUnsafeSlow(size: number): { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
}

const host = (globalThis as { Buffer?: UnsafeBufferHost }).Buffer;
const allocUnsafeSlow = typeof host?.allocUnsafeSlow === 'function' ? host.allocUnsafeSlow.bind(host) : undefined;

/** A new array of `length` elements that the caller will overwrite completely before anyone reads it. */
export function arrayToOverwrite<C extends FreshArrayType>(type: C, length: number): InstanceType<C> {
  const bytes = length * type.BYTES_PER_ELEMENT;
  if (allocUnsafeSlow === undefined || bytes < UNINITIALISED_FROM_BYTES) return new type(length) as InstanceType<C>;
  const b = allocUnsafeSlow(bytes);
  // allocUnsafeSlow never pools: its ArrayBuffer is this array's alone (checked, so a change in Node cannot expose
  // another buffer's bytes through .buffer).
  if (b.byteOffset !== 0 || b.buffer.byteLength !== bytes) return new type(length) as InstanceType<C>;
  return new type(b.buffer, 0, length) as InstanceType<C>;
}
