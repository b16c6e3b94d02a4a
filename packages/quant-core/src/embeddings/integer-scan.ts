/*
 * Symmetric scoring (docs/EMBEDDINGS.md §5): a quantized query against rows of the same codes, in exact integer
 * arithmetic. Each result is the exact sum stored modulo 2^32 (as an Int32Array / Uint32Array stores it), which is the
 * exact value for dim <= 65536: |int8 dot| <= 65536 * 128^2 = 2^30, uint8 dot and either L2 <= 65536 * 255^2 < 2^32.
 * The C++ kernels widen to int16 and multiply-add pairs into int32 (vpmaddwd), so no int16 sum can saturate.
 * out.length rows are scored. No allocation.
 */

type Codes = Int8Array | Uint8Array;

function dotScan(query: Codes, rows: Codes, dim: number, out: Int32Array | Uint32Array): void {
  for (let r = 0; r < out.length; r++) {
    const base = r * dim;
    let sum = 0; // exact: every partial sum is below 2^53
    for (let i = 0; i < dim; i++) sum += query[i]! * rows[base + i]!;
    out[r] = sum;
  }
}

function l2Scan(query: Codes, rows: Codes, dim: number, out: Uint32Array): void {
  for (let r = 0; r < out.length; r++) {
    const base = r * dim;
    let sum = 0;
    for (let i = 0; i < dim; i++) {
      const d = query[i]! - rows[base + i]!;
      sum += d * d;
    }
    out[r] = sum;
  }
}

/** out[r] = sum of query[i] * row r[i] over int8 codes. */
export function dotScanInt8(query: Int8Array, rows: Int8Array, dim: number, out: Int32Array): void {
  dotScan(query, rows, dim, out);
}

/** out[r] = sum of query[i] * row r[i] over uint8 codes. */
export function dotScanUint8(query: Uint8Array, rows: Uint8Array, dim: number, out: Uint32Array): void {
  dotScan(query, rows, dim, out);
}

/** out[r] = sum of (query[i] - row r[i])^2 over int8 codes. */
export function l2ScanInt8(query: Int8Array, rows: Int8Array, dim: number, out: Uint32Array): void {
  l2Scan(query, rows, dim, out);
}

/** out[r] = sum of (query[i] - row r[i])^2 over uint8 codes. */
export function l2ScanUint8(query: Uint8Array, rows: Uint8Array, dim: number, out: Uint32Array): void {
  l2Scan(query, rows, dim, out);
}
