/** Where one tensor's bytes are in an input file, and how to turn them into row-major little-endian data. */
export interface TensorSource {
  /** Path of the file holding the tensor, as given by the user (for messages). */
  readonly file: string;
  readonly name: string;
  /** Safetensors dtype name ('F32', 'BF16', 'I64', ...); .npy dtypes are mapped onto these. */
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Absolute byte offset of the data in the file. */
  readonly offset: number;
  readonly byteLength: number;
  /** The data is big-endian (a '>' .npy dtype) and must be byte-swapped. */
  readonly byteSwap: boolean;
  /** The data is in column-major order (a Fortran-ordered .npy) and must be transposed to row-major. */
  readonly fortranOrder: boolean;
}

/** A parsed input file: its tensors, in file order, and the safetensors `__metadata__` if any. */
export interface InputFile {
  readonly path: string;
  readonly format: 'safetensors' | 'npy';
  readonly size: number;
  readonly tensors: readonly TensorSource[];
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when the bytes can be written to a safetensors file as they are. */
export function isRowMajorLittleEndian(src: TensorSource): boolean {
  return !src.byteSwap && (!src.fortranOrder || src.shape.length < 2);
}
