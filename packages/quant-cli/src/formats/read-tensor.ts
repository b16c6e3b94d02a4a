import type { FileHandle } from 'node:fs/promises';
import { fail } from '../errors.js';
import type { BufferPool } from '../io/buffer-pool.js';
import { readAt } from '../io/read-at.js';
import { DTYPE_SIZES, isFloatDtype } from './dtypes.js';
import { elementCount, type TensorSource } from './tensor-source.js';
import { halfTypeOf, type LoadedValues } from './tensor-values.js';

/** Tensor data borrowed from a pool; call release() once it is no longer used. */
export interface Loaded<T> {
  readonly data: T;
  release(): void;
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** A view of elements of `size` bytes as unsigned integers (8-byte elements as pairs of 32-bit words). */
function wordsOf(bytes: Uint8Array, size: number): { words: Uint8Array | Uint16Array | Uint32Array; per: number } {
  const { buffer, byteOffset, byteLength } = bytes;
  if (size === 1) return { words: bytes, per: 1 };
  if (size === 2) return { words: new Uint16Array(buffer, byteOffset, byteLength / 2), per: 1 };
  return { words: new Uint32Array(buffer, byteOffset, byteLength / 4), per: size / 4 };
}

/** Column-major (Fortran) to row-major: element (i0, ..., ik) moves from sum(i_j * prod(d_0..d_j-1)) to C order. */
function fortranToC(src: Uint8Array, dst: Uint8Array, shape: readonly number[], size: number): void {
  const { words: from, per } = wordsOf(src, size);
  const { words: to } = wordsOf(dst, size);
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let j = 0, s = 1; j < rank; j++) {
    strides[j] = s;
    s *= shape[j]!;
  }
  const total = elementCount(shape);
  if (total === 0) return;
  const last = rank - 1;
  const lastDim = shape[last]!;
  const lastStride = strides[last]! * per;
  const index = new Array<number>(rank).fill(0);
  let out = 0;
  while (out < total * per) {
    let base = 0;
    for (let j = 0; j < last; j++) base += index[j]! * strides[j]!;
    base *= per;
    for (let i = 0; i < lastDim; i++, base += lastStride) {
      for (let w = 0; w < per; w++) to[out++] = from[base + w]!;
    }
    for (let j = last - 1; j >= 0; j--) {
      if (++index[j]! < shape[j]!) break;
      index[j] = 0;
    }
  }
}

/**
 * Reads a tensor's bytes into a pooled buffer as row-major little-endian data (byte-swapped and transposed when the
 * source is a big-endian or Fortran-ordered .npy).
 */
export async function readRowMajor(fh: FileHandle, src: TensorSource, pool: BufferPool): Promise<Loaded<Uint8Array>> {
  const size = DTYPE_SIZES[src.dtype];
  if (size === undefined) fail('UNSUPPORTED_DTYPE', `unsupported dtype '${src.dtype}'`, { file: src.file, tensor: src.name });
  const buffer = pool.acquire(src.byteLength);
  const bytes = new Uint8Array(buffer, 0, src.byteLength);
  try {
    await readAt(fh, bytes, src.offset, src.file, src.name);
  } catch (e) {
    pool.release(buffer);
    throw e;
  }
  if (src.byteSwap) swapBytes(bytes, size);
  if (!src.fortranOrder || src.shape.length < 2) return { data: bytes, release: () => pool.release(buffer) };
  const outBuffer = pool.acquire(src.byteLength);
  const out = new Uint8Array(outBuffer, 0, src.byteLength);
  fortranToC(bytes, out, src.shape, size);
  pool.release(buffer);
  return { data: out, release: () => pool.release(outBuffer) };
}

/**
 * Reads a float tensor without converting it: F32 as a Float32Array, F64 as a Float64Array, F16 / BF16 as their bit
 * patterns in a Uint16Array (see tensor-values.ts), each a view of the pooled row-major little-endian bytes.
 */
export async function readValues(fh: FileHandle, src: TensorSource, pool: BufferPool): Promise<LoadedValues> {
  if (!isFloatDtype(src.dtype)) fail('UNSUPPORTED_DTYPE', `'${src.dtype}' is not a float dtype`, { file: src.file, tensor: src.name });
  const raw = await readRowMajor(fh, src, pool);
  const n = elementCount(src.shape);
  const { buffer, byteOffset } = raw.data;
  const half = halfTypeOf(src.dtype);
  if (half !== undefined) return { data: new Uint16Array(buffer, byteOffset, n), half, release: raw.release };
  const data = src.dtype === 'F32' ? new Float32Array(buffer, byteOffset, n) : new Float64Array(buffer, byteOffset, n);
  return { data, half: undefined, release: raw.release };
}
