import { createEmbeddingsApi, type Backend, type EmbeddingsApi } from '@quantkit/quant-core';
import type { Operation } from './types.js';

/*
 * Embedding search and quantization (issue 17): the input of one size is read as rows of a fixed length, so a row's
 * rate is the table's elements/s over the row length (Hamming: bytes; the dot scans: multiply-adds; quantize: values).
 * Codes are the bytes of the input's float32 bits (random enough: the integer kernels' speed does not depend on the
 * values). Sizes below one row use one row of that size. No ONNX Runtime column (it has no such kernels).
 */

/** Bytes of one packed binary row (1024 dimensions). */
export const HAMMING_ROW_BYTES = 128;
/** Dimensions of the int8 rows and of quantizeEmbeddings. */
export const EMBEDDING_DIM = 1024;

function shapeOf(size: number, rowLength: number): { rows: number; dim: number } {
  const dim = Math.min(rowLength, size);
  return { rows: Math.floor(size / dim), dim };
}

/** A fresh copy of the first n bytes of x's float32 bits. */
function bytesOf<T extends Int8Array | Uint8Array>(x: Float32Array, n: number, type: new (b: ArrayBuffer, o: number, n: number) => T): T {
  return new type(x.buffer as ArrayBuffer, x.byteOffset, n).slice() as T;
}

/** A scan of code rows against their first row, one score per row into an output made once by `scores(rows)`. */
function codeScan<C extends Int8Array | Uint8Array, O>(
  head: Pick<Operation, 'id' | 'label' | 'description'>,
  rowLength: number,
  codes: new (b: ArrayBuffer, o: number, n: number) => C,
  scores: (rows: number) => O,
  scan: (b: Backend, query: C, rows: C, rowLength: number, out: O) => void,
): Operation {
  return {
    ...head,
    passes: [{ read: 1, write: 4 / rowLength }],
    prepare(x) {
      const { rows, dim } = shapeOf(x.length, rowLength);
      const data = bytesOf(x, rows * dim, codes);
      const query = data.slice(0, dim) as C;
      const out = scores(rows);
      return { run: (b: Backend) => scan(b, query, data, dim, out) };
    },
  };
}

const HAMMING = codeScan(
  {
    id: 'embeddings-hamming-128b',
    label: 'Hamming scan, 128-byte rows',
    description: 'Backend.hammingScan: one packed query against every row of 128 bytes (1024 bits), one Uint32 distance per row; elements are bytes',
  },
  HAMMING_ROW_BYTES,
  Uint8Array,
  (rows) => new Uint32Array(rows),
  (b, query, rows, n, out) => b.hammingScan(query, rows, n, out),
);

const DOT_INT8 = codeScan(
  {
    id: 'embeddings-dot-int8-1024',
    label: 'int8 × int8 dot scan, dim 1024',
    description: 'Backend.dotScanInt8: one int8 query against every int8 row of 1024 codes, exact int32 sums; elements are multiply-adds',
  },
  EMBEDDING_DIM,
  Int8Array,
  (rows) => new Int32Array(rows),
  (b, query, rows, n, out) => b.dotScanInt8(query, rows, n, out),
);

const DOT_ASYMMETRIC: Operation = {
  id: 'embeddings-dot-asym-1024',
  label: 'float32 × int8 dot scan (asymmetric), dim 1024',
  description: 'Backend.dotScanAsymmetric: a float32 query against int8 rows dequantized on the fly (float32 starts / steps), float64 sums; elements are multiply-adds',
  passes: [{ read: 1, write: 8 / EMBEDDING_DIM }],
  prepare(x) {
    const { rows, dim } = shapeOf(x.length, EMBEDDING_DIM);
    const data = bytesOf(x, rows * dim, Int8Array);
    const query = x.slice(0, dim);
    const starts = new Float32Array(dim).fill(-3);
    const steps = new Float32Array(dim).fill(Math.fround(6 / 255));
    const out = new Float64Array(rows);
    return { run: (b: Backend) => b.dotScanAsymmetric(query, data, starts, steps, dim, out, 'floor') };
  },
};

const QUANTIZE_INT8: Operation = {
  id: 'embeddings-quantize-int8-1024',
  label: 'quantizeEmbeddings f32 → int8, dim 1024',
  description: 'quantizeEmbeddings (the API, bound to the backend) of rows of 1024 float32 values to int8 codes with given ranges, into a caller-provided out',
  passes: [{ read: 4, write: 1 }],
  prepare(x) {
    const { rows, dim } = shapeOf(x.length, EMBEDDING_DIM);
    const input = rows * dim === x.length ? x : x.subarray(0, rows * dim);
    const ranges = { min: new Float32Array(dim).fill(-3), max: new Float32Array(dim).fill(3) };
    const out = new Int8Array(rows * dim);
    const apis = new Map<Backend, EmbeddingsApi>();
    return {
      run(b: Backend) {
        let api = apis.get(b);
        if (api === undefined) apis.set(b, (api = createEmbeddingsApi(b)));
        api.quantizeEmbeddings(input, { dim, precision: 'int8', ranges, out });
      },
    };
  },
};

export const EMBEDDING_OPERATIONS: readonly Operation[] = [HAMMING, DOT_INT8, DOT_ASYMMETRIC, QUANTIZE_INT8];
