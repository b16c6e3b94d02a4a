import { ErrorCodes, fail } from '../errors.js';
import { resolveInput, type ResolvedInput } from '../half-input.js';
import { allocateOrLimit } from '../limits.js';
import { checkOptionKeys, optionsObject } from '../options.js';
import type { FloatDType } from '../types.js';
import { checkDisjoint, checkOutput } from '../validate.js';
import { typedArrayName } from '../views.js';
import {
  checkBitOrder,
  checkDim,
  checkInt8Rounding,
  checkPrecision,
  checkThreshold,
  QUANTIZE_EMBEDDINGS_KEYS,
  refuseOptions,
} from './options.js';
import type { EmbeddingKernels } from './kernels.js';
import { packedRowBytes } from './pack-binary.js';
import { minMaxOfRows, rangesOption, workingRanges, type WorkingRanges } from './ranges.js';
import { forEachRowRun } from './row-runs.js';
import type {
  BinaryPrecision,
  BinaryQuantizedEmbeddings,
  EmbeddingInput,
  EmbeddingPrecision,
  QuantizedEmbeddings,
  QuantizeEmbeddingsOptions,
  ScalarPrecision,
  ScalarQuantizedEmbeddings,
} from './types.js';

/*
 * quantizeEmbeddings: a row-major batch of embeddings to int8/uint8 codes or packed bits (docs/EMBEDDINGS.md). Validates
 * everything, then runs the quantizeEmbeddingRows / packBinaryRows kernels of a backend (half inputs widened run by run).
 */

const SCALAR_ONLY = ['ranges', 'calibration', 'calibrationDType', 'int8Rounding'];
const BINARY_ONLY = ['bitOrder', 'threshold'];

function outputFor(precision: EmbeddingPrecision, length: number, out: unknown, input: ResolvedInput): Int8Array | Uint8Array {
  const name = precision === 'int8' || precision === 'binary' ? 'Int8Array' : 'Uint8Array';
  if (out === undefined) return allocateOrLimit(length, (n) => (name === 'Int8Array' ? new Int8Array(n) : new Uint8Array(n)));
  const view = checkOutput<Int8Array | Uint8Array>(out, name, length);
  checkDisjoint(view, input.source, 'embeddings');
  return view;
}

/** The ranges int8/uint8 use: `ranges`, else the calibration rows' min/max, else the batch's own. */
function rangesFor(options: QuantizeEmbeddingsOptions, input: ResolvedInput, dim: number, dtype: FloatDType): WorkingRanges {
  if (options.ranges !== undefined) {
    if (options.calibration !== undefined) fail(ErrorCodes.OPTION, 'pass ranges or calibration, not both');
    return workingRanges(rangesOption(options.ranges, dim), dim, dtype, 'ranges');
  }
  if (options.calibration !== undefined) {
    if (typedArrayName(options.calibration) === 'Uint16Array' && options.calibrationDType === undefined) {
      fail(ErrorCodes.OPTION, "calibration is a Uint16Array: pass calibrationDType: 'float16' or 'bfloat16' to say which half-precision bit patterns it holds");
    }
    const calibration = resolveInput(options.calibration, options.calibrationDType, 'calibration');
    checkDim(dim, calibration.length, 'calibration');
    return workingRanges(minMaxOfRows(calibration, dim), dim, dtype, 'calibration');
  }
  if (options.calibrationDType !== undefined) fail(ErrorCodes.OPTION, 'calibrationDType describes calibration, which was not passed');
  if (input.length === 0) fail(ErrorCodes.RANGE, 'an empty batch has no ranges of its own: pass ranges or calibration');
  return workingRanges(minMaxOfRows(input, dim), dim, dtype, 'embeddings');
}

function quantizeScalar(kernels: EmbeddingKernels, options: QuantizeEmbeddingsOptions, input: ResolvedInput, precision: ScalarPrecision, dim: number): ScalarQuantizedEmbeddings {
  if (precision === 'uint8') refuseOptions(options, ['int8Rounding'], precision, "precision 'int8'");
  const int8Rounding = checkInt8Rounding(options.int8Rounding);
  const { min, max, steps } = rangesFor(options, input, dim, input.dtype);
  const data = outputFor(precision, input.length, options.out, input);
  forEachRowRun(input, dim, (x, firstRow) => {
    const out = x.length === data.length ? data : data.subarray(firstRow * dim, firstRow * dim + x.length);
    kernels.quantizeEmbeddingRows(x, dim, min, steps, precision, int8Rounding, out);
  });
  const rows = input.length / dim;
  const base = { precision, rows, dim, bytesPerRow: dim, data, dtype: input.dtype, min, max, steps };
  return precision === 'int8' ? { ...base, int8Rounding } : base;
}

function quantizeBinary(kernels: EmbeddingKernels, options: QuantizeEmbeddingsOptions, input: ResolvedInput, precision: BinaryPrecision, dim: number): BinaryQuantizedEmbeddings {
  const bitOrder = checkBitOrder(options.bitOrder);
  const threshold = checkThreshold(options.threshold);
  const rows = input.length / dim;
  const bytesPerRow = packedRowBytes(dim);
  const data = outputFor(precision, rows * bytesPerRow, options.out, input);
  forEachRowRun(input, dim, (x, firstRow) => {
    const bytes = (x.length / dim) * bytesPerRow;
    const out = bytes === data.length ? data : data.subarray(firstRow * bytesPerRow, firstRow * bytesPerRow + bytes);
    kernels.packBinaryRows(x, dim, precision, bitOrder, threshold, out);
  });
  return { precision, rows, dim, bytesPerRow, data, bitOrder, threshold };
}

/**
 * Quantizes `embeddings` (rows of options.dim values) to options.precision. int8/uint8 as sentence-transformers'
 * quantize_embeddings computes them on float32 input, saturating; binary/ubinary packed per row. The result carries
 * what scoring and dequantizing need, and round-trips through embeddingsToJSON / embeddingsFromJSON. The kernels run on
 * `kernels` (api.ts binds this to a backend).
 */
export function quantizeEmbeddingsOn(kernels: EmbeddingKernels, embeddings: EmbeddingInput, options: QuantizeEmbeddingsOptions): QuantizedEmbeddings {
  const o = optionsObject(options, 'quantizeEmbeddings') as QuantizeEmbeddingsOptions;
  checkOptionKeys(o, QUANTIZE_EMBEDDINGS_KEYS);
  const precision = checkPrecision(o.precision);
  const input = resolveInput(embeddings, o.dtype, 'embeddings');
  const dim = checkDim(o.dim, input.length, 'embeddings');
  if (precision === 'binary' || precision === 'ubinary') {
    refuseOptions(o, SCALAR_ONLY, precision, 'int8 and uint8');
    return quantizeBinary(kernels, o, input, precision, dim);
  }
  refuseOptions(o, BINARY_ONLY, precision, 'binary and ubinary');
  return quantizeScalar(kernels, o, input, precision, dim);
}
