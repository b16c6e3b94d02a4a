import type { FileHandle } from 'node:fs/promises';
import { forEachNumberChunk, type TensorValues } from '../formats/tensor-values.js';
import type { BufferPool } from '../io/buffer-pool.js';
import type { EmbeddingTensor } from './embedding-tensor.js';
import { forEachRowBatch } from './row-batches.js';

/**
 * Per-dimension minimum and maximum of rows seen a batch at a time, NaN ignored: what the library computes from a whole
 * calibration batch (docs/EMBEDDINGS.md §2.1), so that passing them as `ranges` quantizes exactly as it would. A
 * dimension with nothing but NaN keeps [+Infinity, -Infinity], which the library refuses with ERR_QUANT_RANGE.
 */
export class DimensionRanges {
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** The dimension of the next value (half values arrive in chunks that need not end on a row). */
  private d = 0;

  constructor(readonly dim: number) {
    this.min = new Float64Array(dim).fill(Infinity);
    this.max = new Float64Array(dim).fill(-Infinity);
  }

  add(values: TensorValues): void {
    const { min, max, dim } = this;
    forEachNumberChunk(values, (chunk) => {
      let d = this.d;
      for (let i = 0; i < chunk.length; i++, d = d + 1 === dim ? 0 : d + 1) {
        const v = chunk[i]!;
        if (v < min[d]!) min[d] = v;
        if (v > max[d]!) max[d] = v;
      }
      this.d = d;
    });
  }
}

/** One streaming pass over a tensor's rows; `onRows` is told how many rows each batch held. */
export async function measureRanges(fh: FileHandle, t: EmbeddingTensor, batchRows: number, pool: BufferPool, onRows: (rows: number) => void): Promise<DimensionRanges> {
  const ranges = new DimensionRanges(t.dim);
  await forEachRowBatch(fh, t, batchRows, pool, (values, _first, count) => {
    ranges.add(values);
    onRows(count);
  });
  return ranges;
}
