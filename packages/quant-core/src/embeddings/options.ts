import { describeValue } from '../describe-value.js';
import { ErrorCodes, fail } from '../errors.js';
import type { BinaryThreshold, BitOrder, EmbeddingPrecision, Int8Rounding } from './types.js';

/* Validation of quantizeEmbeddings' options, one check per option; every failure is a QuantError. */

export const QUANTIZE_EMBEDDINGS_KEYS: readonly string[] = [
  'dim',
  'precision',
  'dtype',
  'ranges',
  'calibration',
  'calibrationDType',
  'int8Rounding',
  'bitOrder',
  'threshold',
  'out',
];

/** The largest dim: the integer scoring kernels are exact up to it (docs/EMBEDDINGS.md §5). */
export const MAX_EMBEDDING_DIM = 65536;

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!allowed.includes(value as T)) {
    fail(ErrorCodes.OPTION, `${name} must be ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describeValue(value)}`);
  }
  return value as T;
}

export function checkPrecision(precision: unknown): EmbeddingPrecision {
  return oneOf(precision, 'precision', ['int8', 'uint8', 'binary', 'ubinary'] as const);
}

export function checkBitOrder(bitOrder: unknown): BitOrder {
  return oneOf(bitOrder, 'bitOrder', ['msb', 'lsb'] as const, 'msb');
}

export function checkThreshold(threshold: unknown): BinaryThreshold {
  return oneOf(threshold, 'threshold', ['positive', 'nonnegative'] as const, 'positive');
}

export function checkInt8Rounding(rounding: unknown): Int8Rounding {
  return oneOf(rounding, 'int8Rounding', ['floor', 'toward-zero'] as const, 'floor');
}

/** dim: an integer in 1..MAX_EMBEDDING_DIM that divides the number of values of `name`. */
export function checkDim(dim: unknown, length: number, name: string): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) fail(ErrorCodes.SHAPE, `dim must be an integer >= 1, got ${describeValue(dim)}`);
  if (dim > MAX_EMBEDDING_DIM) fail(ErrorCodes.LIMIT, `dim ${dim} is above ${MAX_EMBEDDING_DIM}, the largest the exact scoring kernels serve`);
  if (length % dim !== 0) fail(ErrorCodes.SHAPE, `${name} has ${length} values, not a whole number of rows of dim ${dim}`);
  return dim;
}

/** Options that only apply to other precisions are refused rather than ignored. */
export function refuseOptions(options: object, keys: readonly string[], precision: EmbeddingPrecision, appliesTo: string): void {
  for (const key of keys) {
    if ((options as Record<string, unknown>)[key] !== undefined) fail(ErrorCodes.OPTION, `${key} applies to ${appliesTo} only, not to precision '${precision}'`);
  }
}
