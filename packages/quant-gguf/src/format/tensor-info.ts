import type { GgmlTypeInfo } from './ggml-types.js';

/** One tensor of a GGUF file, as its tensor info describes it and the layout checks located it. */
export interface GgufTensorInfo {
  readonly name: string;
  /** ggml's ne order, as stored: shape[0] is the row length (the fastest-varying dimension). */
  readonly shape: readonly number[];
  /** The ggml_type id. */
  readonly typeId: number;
  /** The type's geometry; undefined for an id this package does not know (its bytes are copied through as they lie). */
  readonly type: GgmlTypeInfo | undefined;
  /** Offset of the data from the start of the data section (as stored; a multiple of the alignment). */
  readonly offset: number;
  /** Offset of the data from the start of the file. */
  readonly fileOffset: number;
  /** Bytes of data: ggml_nbytes for a known type; for an unknown one, the span up to the next tensor or the end of the file. */
  readonly byteLength: number;
  readonly elements: number;
}

/** ggml_n_dims: the number of dimensions up to the last one larger than 1 (at least 1). */
export function significantDims(shape: readonly number[]): number {
  for (let i = shape.length - 1; i > 0; i--) if (shape[i]! > 1) return i + 1;
  return 1;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
