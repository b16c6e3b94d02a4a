import type { BufferPool } from '../io/buffer-pool.js';
import { widenHalf, type FloatArray, type HalfDType } from '../lib.js';

/**
 * A float tensor as the CLI reads it: F32 / F64 values, or the bit patterns of an F16 / BF16 tensor. Half bits go to the
 * library as they are (with its `dtype` option, docs/SPEC.md §12); the CLI widens them only where it needs numbers.
 */
export type TensorValues = { readonly data: FloatArray; readonly half: undefined } | { readonly data: Uint16Array; readonly half: HalfDType };

/** Tensor values borrowed from a pool; call release() once they are no longer used. */
export type LoadedValues = TensorValues & { release(): void };

/** The library's half type of a safetensors dtype (undefined for every other dtype). */
export function halfTypeOf(dtype: string): HalfDType | undefined {
  if (dtype === 'F16') return 'float16';
  if (dtype === 'BF16') return 'bfloat16';
  return undefined;
}

/**
 * The values as numbers, for what needs them (statistics, the reference of error metrics, histograms): a float array
 * as it is, half bits widened exactly into a new Float32Array (from the pool when one is given).
 */
export function widenedValues(v: TensorValues, pool?: BufferPool): { readonly data: FloatArray; release(): void } {
  if (v.half === undefined) return { data: v.data, release: () => {} };
  const n = v.data.length;
  const buffer = pool ? pool.acquire(n * 4) : new ArrayBuffer(n * 4);
  const data = new Float32Array(buffer, 0, n);
  widenHalf(v.data, v.half, 0, n, data);
  return { data, release: () => pool?.release(buffer) };
}

const CHUNK = 1 << 16;

/**
 * Calls `visit` with the values as numbers, in order: a float array whole, half bits widened a chunk at a time into one
 * small array. A pass over the numbers of a half tensor without a float32 copy of it.
 */
export function forEachNumberChunk(v: TensorValues, visit: (chunk: FloatArray) => void): void {
  if (v.half === undefined) {
    visit(v.data);
    return;
  }
  const n = v.data.length;
  const scratch = new Float32Array(Math.min(CHUNK, n));
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(start + CHUNK, n);
    widenHalf(v.data, v.half, start, end, scratch);
    visit(scratch.subarray(0, end - start));
  }
}
