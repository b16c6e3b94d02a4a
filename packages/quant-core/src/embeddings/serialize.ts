import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { checkQuantizedEmbeddings, isBinaryEmbeddings } from './check-quantized.js';
import { workingRanges } from './ranges.js';
import type { BinaryThreshold, BitOrder, EmbeddingPrecision, Int8Rounding, QuantizedEmbeddings } from './types.js';

/*
 * QuantizedEmbeddings as plain JSON data (docs/EMBEDDINGS.md §7): the codes as base64 of their bytes (int8 as two's
 * complement), min / max / steps as arrays of numbers (JSON numbers hold float32 and float64 values exactly, and
 * JSON.stringify writes the shortest text that reads back as the same value). embeddingsFromJSON checks everything and
 * recomputes the steps from min and max: a file whose steps disagree is refused.
 */

export const EMBEDDINGS_JSON_FORMAT = 'quantkit-embeddings';
export const EMBEDDINGS_JSON_VERSION = 1;

export interface QuantizedEmbeddingsJSON {
  readonly format: typeof EMBEDDINGS_JSON_FORMAT;
  readonly version: typeof EMBEDDINGS_JSON_VERSION;
  readonly precision: EmbeddingPrecision;
  readonly rows: number;
  readonly dim: number;
  readonly bytesPerRow: number;
  /** rows * bytesPerRow bytes, base64. */
  readonly data: string;
  readonly dtype?: 'float32' | 'float64';
  readonly min?: number[];
  readonly max?: number[];
  readonly steps?: number[];
  readonly int8Rounding?: Int8Rounding;
  readonly bitOrder?: BitOrder;
  readonly threshold?: BinaryThreshold;
}

export function embeddingsToJSON(quantized: QuantizedEmbeddings): QuantizedEmbeddingsJSON {
  const q = checkQuantizedEmbeddings(quantized);
  const head = { format: EMBEDDINGS_JSON_FORMAT, version: EMBEDDINGS_JSON_VERSION, precision: q.precision, rows: q.rows, dim: q.dim, bytesPerRow: q.bytesPerRow } as const;
  const data = bytesToBase64(new Uint8Array(q.data.buffer, q.data.byteOffset, q.data.byteLength));
  if (isBinaryEmbeddings(q)) return { ...head, data, bitOrder: q.bitOrder, threshold: q.threshold };
  const scalar = { ...head, data, dtype: q.dtype, min: Array.from(q.min), max: Array.from(q.max), steps: Array.from(q.steps) };
  return q.int8Rounding === undefined ? scalar : { ...scalar, int8Rounding: q.int8Rounding };
}

function numbers(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) fail(ErrorCodes.INPUT_TYPE, `${name} must be an array of numbers, got ${describeValue(value)}`);
  return value as number[];
}

/** A QuantizedEmbeddings from embeddingsToJSON's data (or its JSON.parse); a QuantError for anything malformed. */
export function embeddingsFromJSON(json: unknown): QuantizedEmbeddings {
  if (typeof json !== 'object' || json === null) fail(ErrorCodes.INPUT_TYPE, `embeddingsFromJSON needs an object, got ${describeValue(json)}`);
  const o = json as Record<string, unknown>;
  if (o.format !== EMBEDDINGS_JSON_FORMAT || o.version !== EMBEDDINGS_JSON_VERSION) {
    fail(ErrorCodes.INPUT_TYPE, `not ${EMBEDDINGS_JSON_FORMAT} version ${EMBEDDINGS_JSON_VERSION} data (format ${describeValue(o.format)}, version ${describeValue(o.version)})`);
  }
  if (typeof o.data !== 'string') fail(ErrorCodes.INPUT_TYPE, `data must be a base64 string, got ${describeValue(o.data)}`);
  const bytes = base64ToBytes(o.data, 'data');
  const signed = o.precision === 'int8' || o.precision === 'binary';
  const candidate: Record<string, unknown> = { ...o, data: signed ? new Int8Array(bytes.buffer) : bytes };
  if (o.precision === 'int8' || o.precision === 'uint8') {
    const single = o.dtype === 'float32';
    const Floats = single ? Float32Array : Float64Array;
    const min = numbers(o.min, 'min');
    const max = numbers(o.max, 'max');
    const dim = typeof o.dim === 'number' ? o.dim : -1;
    if (single && [...min, ...max].some((v) => Math.fround(v) !== v && v === v)) fail(ErrorCodes.RANGE, 'min and max of float32 data must be float32 values');
    if (min.length === dim && max.length === dim) {
      const steps = numbers(o.steps, 'steps');
      const expected = workingRanges({ min, max }, dim, single ? 'float32' : 'float64', 'min/max').steps;
      if (steps.length !== dim || steps.some((s, d) => !Object.is(s, expected[d]))) fail(ErrorCodes.RANGE, 'steps disagree with min and max (steps = fl(fl(max - min) / 255))');
    }
    Object.assign(candidate, { min: Floats.from(min), max: Floats.from(max), steps: Floats.from(numbers(o.steps, 'steps')) });
  }
  delete candidate.format;
  delete candidate.version;
  return checkQuantizedEmbeddings(candidate, 'json');
}
