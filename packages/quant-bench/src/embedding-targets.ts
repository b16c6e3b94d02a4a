import { formatSize } from './data.js';
import { formatRate } from './format.js';
import { EMBEDDING_DIM, HAMMING_ROW_BYTES } from './ops/embeddings.js';
import type { ColumnId, TargetResult } from './results.js';
import { ratioTarget } from './api-targets.js';
import { cellOf, rateTarget, type TargetInputs } from './target-cells.js';

/*
 * Issue 17's embedding targets, native AVX2 on one thread, for 1M rows (`--sizes 134217728,1073741824 --only
 * embeddings,quantize-tensor-u8`), else at the largest size measured for the row:
 *   Hamming scan of 128-byte rows  ≥ 25 M rows/s (3.2 G bytes/s)
 *   int8 × int8 dot scan, dim 1024 ≥ 8 G multiply-adds/s (the float32-query asymmetric scan reported beside it)
 *   quantizeEmbeddings int8        ≥ 0.8 × the f32 → u8 quantize kernel at the same size
 */

const NATIVE: ColumnId = 'native-avx2';
const HAMMING = 'embeddings-hamming-128b';
const DOT = 'embeddings-dot-int8-1024';
const ASYMMETRIC = 'embeddings-dot-asym-1024';
const QUANTIZE = 'embeddings-quantize-int8-1024';
const FALLBACK_SIZE = 64 << 20;
const MILLION_ROWS = 1 << 20;

/** 1M rows of `rowLength` if that size was measured, else the largest size with a row of `op` (else the full run's). */
function sizeFor(r: TargetInputs, op: string, rowLength: number): number {
  const sizes = r.rows.filter((row) => row.op === op).map((row) => row.size);
  const wanted = MILLION_ROWS * rowLength;
  return sizes.includes(wanted) ? wanted : sizes.reduce((m, s) => Math.max(m, s), 0) || FALLBACK_SIZE;
}

const rowsAt = (size: number, rowLength: number): string => `${formatSize(Math.floor(size / rowLength))} rows`;

export function embeddingTargets(r: TargetInputs): TargetResult[] {
  const hs = sizeFor(r, HAMMING, HAMMING_ROW_BYTES);
  const hamming = cellOf(r, HAMMING, hs, NATIVE);
  const ds = sizeFor(r, DOT, EMBEDDING_DIM);
  const asymmetric = cellOf(r, ASYMMETRIC, ds, NATIVE);
  const qs = sizeFor(r, QUANTIZE, EMBEDDING_DIM);
  return [
    rateTarget(
      r,
      'native-hamming-scan',
      `native Hamming scan of 128-byte rows against one query, ${rowsAt(hs, HAMMING_ROW_BYTES)}, single thread (bytes/s: 25 M rows/s × 128)`,
      HAMMING,
      hs,
      NATIVE,
      25e6 * HAMMING_ROW_BYTES,
      hamming !== undefined ? `${formatRate(hamming / HAMMING_ROW_BYTES).replace('/s', ' rows/s')}` : undefined,
    ),
    rateTarget(
      r,
      'native-dot-int8-scan',
      `native int8 × int8 dot scan, ${rowsAt(ds, EMBEDDING_DIM)} × ${EMBEDDING_DIM}, single thread (multiply-adds/s)`,
      DOT,
      ds,
      NATIVE,
      8e9,
      asymmetric !== undefined ? `float32-query asymmetric scan: ${formatRate(asymmetric)}` : undefined,
    ),
    ratioTarget(r, {
      id: 'native-quantize-embeddings-int8',
      description: `native quantizeEmbeddings f32 → int8 with given ranges, ${rowsAt(qs, EMBEDDING_DIM)} × ${EMBEDDING_DIM}, against f32 → u8 quantize in the same run, single thread`,
      op: QUANTIZE,
      size: qs,
      column: NATIVE,
      factor: 0.8,
      baseline: [{ op: 'quantize-tensor-u8', column: NATIVE, label: 'quantize kernel' }],
      baselineLabel: 'quantize f32 → u8',
    }),
  ];
}
