import { fail } from '../errors.js';
import type { BinaryThreshold, BitOrder, EmbeddingPrecision, Int8Rounding } from './embeddings-lib.js';

/** How `quant embeddings` quantizes: the precision and the options that apply to it (the library's defaults otherwise). */
export interface EmbeddingSettings {
  readonly precision: EmbeddingPrecision;
  readonly bitOrder?: BitOrder;
  readonly threshold?: BinaryThreshold;
  readonly int8Rounding?: Int8Rounding;
}

export interface EmbeddingOptionValues {
  precision?: string;
  'bit-order'?: string;
  threshold?: string;
  'int8-rounding'?: string;
  calibration?: string;
}

function choice<T extends string>(value: string | undefined, flag: string, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) fail('USAGE', `--${flag} must be one of ${choices.join(', ')}; got '${value}'`);
  return value as T;
}

/** A flag given for a precision it does not apply to is a usage error, as the library refuses such options. */
function refuseFor(given: unknown, flag: string, precision: EmbeddingPrecision, appliesTo: string): void {
  if (given !== undefined) fail('USAGE', `--${flag} applies to ${appliesTo} only, not to --precision ${precision}`);
}

/** Validates the command line's quantization flags before any file is read. */
export function embeddingSettings(v: EmbeddingOptionValues): EmbeddingSettings {
  if (v.precision === undefined) fail('USAGE', "--precision is required (int8, uint8, binary or ubinary)\nRun 'quant embeddings --help' for usage.");
  const precision = choice(v.precision, 'precision', ['int8', 'uint8', 'binary', 'ubinary'] as const)!;
  const bitOrder = choice(v['bit-order'], 'bit-order', ['msb', 'lsb'] as const);
  const threshold = choice(v.threshold, 'threshold', ['positive', 'nonnegative'] as const);
  const int8Rounding = choice(v['int8-rounding'], 'int8-rounding', ['floor', 'toward-zero'] as const);
  if (precision === 'binary' || precision === 'ubinary') {
    refuseFor(int8Rounding, 'int8-rounding', precision, 'int8');
    refuseFor(v.calibration, 'calibration', precision, 'int8 and uint8');
    return { precision, ...(bitOrder ? { bitOrder } : {}), ...(threshold ? { threshold } : {}) };
  }
  refuseFor(bitOrder, 'bit-order', precision, 'binary and ubinary');
  refuseFor(threshold, 'threshold', precision, 'binary and ubinary');
  if (precision === 'uint8') refuseFor(int8Rounding, 'int8-rounding', precision, 'int8');
  return { precision, ...(int8Rounding ? { int8Rounding } : {}) };
}
