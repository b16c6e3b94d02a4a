import { widenedValues, type TensorValues } from '../formats/tensor-values.js';
import { dequantizeBlocks, GGML_FORMAT_NAMES, GGML_FORMATS, quantizationError, quantizeBlocks, type GgmlFormat, type QuantizationErrorReport } from '../lib.js';

export type { GgmlFormat };

/*
 * GGML block formats as compare / report candidates: quantized with the library's quantizeBlocks (bit-exact with
 * ggml's reference quantizers, docs/GGML.md) along the tensor's rows (its last axis, as GGUF stores it) and measured
 * against the original values.
 */

export const GGML_FORMAT_LIST: readonly GgmlFormat[] = GGML_FORMAT_NAMES;
/** The weight formats of llama.cpp (q8_1 is its activation format, left out unless asked for). */
export const GGML_DEFAULT_FORMATS: readonly GgmlFormat[] = GGML_FORMAT_NAMES.filter((f) => f !== 'q8_1');

/** The bit width a format is named for (q4_k: 4), which its row is compared within. */
export function ggmlNominalBits(f: GgmlFormat): number {
  return Number(/^q(\d)/.exec(f)![1]);
}

/** Bits per weight as stored: the block's bytes over its elements (q4_k: 144 bytes per 256 = 4.5). */
export function ggmlBitsPerWeight(f: GgmlFormat): number {
  const info = GGML_FORMATS[f];
  return (info.bytesPerBlock * 8) / info.blockSize;
}

/** GGUF quantizes matrices (rank >= 2) whose rows are whole blocks. */
export function ggmlApplies(f: GgmlFormat, shape: readonly number[]): boolean {
  const row = shape[shape.length - 1] ?? 0;
  return shape.length >= 2 && row > 0 && row % GGML_FORMATS[f].blockSize === 0;
}

export interface GgmlRow extends QuantizationErrorReport {
  readonly label: string;
  readonly format: GgmlFormat;
  readonly bits: number;
}

export function ggmlLabel(f: GgmlFormat): string {
  return `ggml ${f}`;
}

/** The error of each format on x (rows along the last axis of `shape`); a format the library refuses is reported. */
export function measureGgml(x: TensorValues, shape: readonly number[], formats: readonly GgmlFormat[]): { rows: GgmlRow[]; failed: { label: string; message: string }[] } {
  const rows: GgmlRow[] = [];
  const failed: { label: string; message: string }[] = [];
  if (formats.length === 0) return { rows, failed };
  const reference = widenedValues(x).data;
  const input = reference instanceof Float32Array ? reference : Float32Array.from(reference);
  for (const format of formats) {
    try {
      const values = dequantizeBlocks(quantizeBlocks(input, { format, shape }));
      rows.push({ label: ggmlLabel(format), format, bits: ggmlNominalBits(format), ...quantizationError(reference, values) });
    } catch (e) {
      if (!(e instanceof Error && e.name === 'QuantError')) throw e;
      failed.push({ label: ggmlLabel(format), message: e.message });
    }
  }
  return { rows, failed };
}
