import type { FloatDtype } from '../formats/dtypes.js';
import { halfTypeOf, type TensorValues } from '../formats/tensor-values.js';
import type { EmbeddingSettings } from './embedding-settings.js';
import { quantizeEmbeddings, type QuantizedEmbeddings } from './embeddings-lib.js';

/** What a batch adds to the settings: the measured ranges, a calibration batch, where the codes go. */
export interface BatchOptions {
  readonly ranges?: { readonly min: ArrayLike<number>; readonly max: ArrayLike<number> } | undefined;
  readonly calibration?: Float32Array;
  readonly out?: Int8Array | Uint8Array;
}

/** The library's quantization of rows as the CLI read them (F16 / BF16 rows as their bits, with their half type). */
export function quantizeBatch(values: TensorValues, dim: number, settings: EmbeddingSettings, options: BatchOptions = {}): QuantizedEmbeddings {
  return quantizeEmbeddings(values.data, { dim, ...settings, ...(values.half !== undefined ? { dtype: values.half } : {}), ...options });
}

/** A batch of no rows in the dtype of a tensor (its working precision: float64 for F64, float32 otherwise). */
export function emptyValues(dtype: FloatDtype): TensorValues {
  if (dtype === 'F32') return { data: new Float32Array(0), half: undefined };
  if (dtype === 'F64') return { data: new Float64Array(0), half: undefined };
  return { data: new Uint16Array(0), half: halfTypeOf(dtype)! };
}
