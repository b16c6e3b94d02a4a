import type { FileHandle } from 'node:fs/promises';
import { DTYPE_SIZES, type FloatDtype } from '../formats/dtypes.js';
import { readValues } from '../formats/read-tensor.js';
import type { TensorSource } from '../formats/tensor-source.js';
import { halfTypeOf, type LoadedValues, type TensorValues } from '../formats/tensor-values.js';
import type { BufferPool } from '../io/buffer-pool.js';
import type { EmbeddingTensor } from './embedding-tensor.js';

/*
 * Reading embeddings a batch of rows at a time, so that memory stays bounded by the batch whatever the file's size.
 * A row-major tensor's batch is one contiguous read; a Fortran-ordered .npy is read a column segment at a time.
 */

/** The default batch: about this many bytes of input. */
const BATCH_BYTES = 8 << 20;

export function defaultBatchRows(t: EmbeddingTensor): number {
  return Math.max(1, Math.floor(BATCH_BYTES / (Math.max(t.dim, 1) * DTYPE_SIZES[t.dtype]!)));
}

function byteRange(src: TensorSource, shape: number[], firstElement: number, size: number): TensorSource {
  const count = shape.reduce((a, b) => a * b, 1);
  return { ...src, shape, offset: src.offset + firstElement * size, byteLength: count * size, fortranOrder: false };
}

function valuesView(dtype: FloatDtype, buffer: ArrayBuffer, n: number): Float32Array | Float64Array | Uint16Array {
  if (dtype === 'F32') return new Float32Array(buffer, 0, n);
  if (dtype === 'F64') return new Float64Array(buffer, 0, n);
  return new Uint16Array(buffer, 0, n);
}

/** Rows [first, first + count) of a column-major tensor, transposed into row-major order. */
async function readFortranRows(fh: FileHandle, t: EmbeddingTensor, first: number, count: number, pool: BufferPool): Promise<LoadedValues> {
  const size = DTYPE_SIZES[t.dtype]!;
  const buffer = pool.acquire(count * t.dim * size);
  const rows = valuesView(t.dtype, buffer, count * t.dim);
  try {
    for (let d = 0; d < t.dim; d++) {
      const column = await readValues(fh, byteRange(t.source, [count], d * t.rows + first, size), pool);
      for (let r = 0; r < count; r++) rows[r * t.dim + d] = column.data[r]!;
      column.release();
    }
  } catch (e) {
    pool.release(buffer);
    throw e;
  }
  const half = halfTypeOf(t.dtype);
  const release = (): void => pool.release(buffer);
  return half === undefined ? { data: rows as Float32Array | Float64Array, half, release } : { data: rows as Uint16Array, half, release };
}

/** Calls `visit` with each batch of at most `batchRows` rows, in order, as row-major little-endian values. */
export async function forEachRowBatch(
  fh: FileHandle,
  t: EmbeddingTensor,
  batchRows: number,
  pool: BufferPool,
  visit: (values: TensorValues, firstRow: number, rowCount: number) => void | Promise<void>,
): Promise<void> {
  const size = DTYPE_SIZES[t.dtype]!;
  for (let first = 0; first < t.rows; first += batchRows) {
    const count = Math.min(batchRows, t.rows - first);
    const values = t.source.fortranOrder
      ? await readFortranRows(fh, t, first, count, pool)
      : await readValues(fh, byteRange(t.source, [count, t.dim], first * t.dim, size), pool);
    try {
      await visit(values, first, count);
    } finally {
      values.release();
    }
  }
}
