import type { FloatDtype } from '../formats/dtypes.js';
import { FORMAT_KEY, VERSION_KEY, type EntryShape } from '../formats/quantized-format.js';
import { VERSION } from '../lib.js';
import type { QuantizedEmbeddings, ScalarQuantizedEmbeddings } from './embeddings-lib.js';

/*
 * The safetensors layout `quant embeddings` writes (docs/EMBEDDINGS.md §11 is the normative description; this is its
 * code). Tensors, in this order (the float ones first, so every tensor is aligned for its dtype):
 *
 *   ranges   int8/uint8 only: F32 (float32, F16, BF16 input) or F64 (F64 input), [2, dim]: row 0 the bucket starts
 *            (per-dimension minima), row 1 the maxima, after rounding to that dtype: sentence-transformers' `ranges`
 *   steps    int8/uint8 only: the same dtype, [dim]: fl(fl(max - min) / 255), 0 for an empty range
 *   codes    I8 (int8, binary) or U8 (uint8, ubinary); [rows, dim] for int8/uint8, [rows, ceil(dim / 8)] for packed
 *            binary rows
 *
 * __metadata__: "quantkit.format" = EMBEDDINGS_FORMAT_ID, "quantkit.version" = library version, and the settings
 * under EMBEDDINGS_KEY_PREFIX.
 */

export const EMBEDDINGS_FORMAT_ID = 'quantkit.embeddings.v1';
export const EMBEDDINGS_KEY_PREFIX = 'quantkit.embeddings.';
export const RANGES_TENSOR = 'ranges';
export const STEPS_TENSOR = 'steps';
export const CODES_TENSOR = 'codes';

/** Where int8/uint8 ranges came from: the embeddings themselves, or the --calibration rows. */
export type RangesFrom = 'embeddings' | 'calibration';

function floatDtypeOf(q: ScalarQuantizedEmbeddings): 'F32' | 'F64' {
  return q.dtype === 'float32' ? 'F32' : 'F64';
}

export function isScalarEmbeddings(q: QuantizedEmbeddings): q is ScalarQuantizedEmbeddings {
  return q.precision === 'int8' || q.precision === 'uint8';
}

/** The entries of a file of `rows` rows quantized as `q` describes (q's own rows are not used). */
export function embeddingsEntries(q: QuantizedEmbeddings, rows: number): EntryShape[] {
  const codes: EntryShape = {
    name: CODES_TENSOR,
    dtype: q.precision === 'int8' || q.precision === 'binary' ? 'I8' : 'U8',
    shape: [rows, q.bytesPerRow],
    byteLength: rows * q.bytesPerRow,
  };
  if (!isScalarEmbeddings(q)) return [codes];
  const dtype = floatDtypeOf(q);
  const size = dtype === 'F32' ? 4 : 8;
  return [
    { name: RANGES_TENSOR, dtype, shape: [2, q.dim], byteLength: 2 * q.dim * size },
    { name: STEPS_TENSOR, dtype, shape: [q.dim], byteLength: q.dim * size },
    codes,
  ];
}

/** The ranges tensor's values: the minima, then the maxima. */
export function rangesValues(q: ScalarQuantizedEmbeddings): Float32Array | Float64Array {
  const values = q.min instanceof Float32Array ? new Float32Array(2 * q.dim) : new Float64Array(2 * q.dim);
  values.set(q.min);
  values.set(q.max, q.dim);
  return values;
}

export function embeddingsMetadata(q: QuantizedEmbeddings, sourceDtype: FloatDtype, rangesFrom: RangesFrom): Record<string, string> {
  const settings: Record<string, string> = isScalarEmbeddings(q)
    ? { ...(q.int8Rounding !== undefined ? { int8_rounding: q.int8Rounding } : {}), ranges_from: rangesFrom }
    : { bit_order: q.bitOrder, threshold: q.threshold };
  const metadata: Record<string, string> = { [FORMAT_KEY]: EMBEDDINGS_FORMAT_ID, [VERSION_KEY]: VERSION };
  for (const [key, value] of Object.entries({ precision: q.precision, dim: String(q.dim), source_dtype: sourceDtype, ...settings })) {
    metadata[EMBEDDINGS_KEY_PREFIX + key] = value;
  }
  return metadata;
}
