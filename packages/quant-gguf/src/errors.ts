/**
 * Every error this package raises on purpose is a GgufError with a stable `code` (documented in docs/GGUF.md). A
 * hostile or damaged file is refused with one of these before anything is allocated for what it claims.
 */
export const GgufErrorCodes = {
  /** The file does not start with the bytes "GGUF". */
  MAGIC: 'E_GGUF_MAGIC',
  /** Version 1 (no longer read by ggml either), a version above 3, or a big-endian file. */
  VERSION: 'E_GGUF_VERSION',
  /** The file ends inside the header, or a tensor's data runs past the end of the file. */
  TRUNCATED: 'E_GGUF_TRUNCATED',
  /** Two tensors' data share bytes. */
  OVERLAP: 'E_GGUF_OVERLAP',
  /** A tensor offset that is not a multiple of the alignment, or a `general.alignment` that is not a u32 power of 2. */
  ALIGNMENT: 'E_GGUF_ALIGNMENT',
  /** A count or length beyond what this reader accepts (a 2^63-byte string, 2^40 array elements, 2^53 elements...). */
  LIMIT: 'E_GGUF_LIMIT',
  /** A metadata key or tensor name that appears twice. */
  DUPLICATE: 'E_GGUF_DUPLICATE',
  /** An unknown metadata value type, or (with `strict`) an unknown tensor type. */
  TYPE: 'E_GGUF_TYPE',
  /** A malformed metadata entry: an empty key, a bool that is neither 0 nor 1, a string that is not UTF-8. */
  METADATA: 'E_GGUF_METADATA',
  /** A tensor shape ggml refuses: more than 4 dimensions, rows that are not whole blocks of its type. */
  SHAPE: 'E_GGUF_SHAPE',
  /** A bad option: an unknown type, a malformed glob, a thread count out of range. */
  OPTION: 'E_GGUF_OPTION',
  /**
   * A plan (`--plan`) that cannot be used: not a valid plan file, naming what is no F32/F16/BF16 tensor of the file, or
   * giving a tensor quantkit's own format; the plan reader's own code (ERR_QUANT_PLAN_*) ends the message.
   */
  PLAN: 'E_GGUF_PLAN',
  /** A tensor the quantizer refuses (NaN or ±Infinity in its data). */
  QUANTIZE: 'E_GGUF_QUANTIZE',
  /** The output exists (and `force` was not given), or is the input itself. */
  OUTPUT_EXISTS: 'E_GGUF_OUTPUT_EXISTS',
  /** The run was aborted through its AbortSignal. */
  ABORTED: 'E_GGUF_ABORTED',
} as const;

export type GgufErrorCode = (typeof GgufErrorCodes)[keyof typeof GgufErrorCodes];

export interface GgufErrorLocation {
  readonly file?: string;
  readonly tensor?: string;
}

export class GgufError extends Error {
  readonly code: GgufErrorCode;
  file: string | undefined;
  tensor: string | undefined;

  constructor(code: GgufErrorCode, message: string, where: GgufErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GgufError';
    this.code = code;
    this.file = where.file;
    this.tensor = where.tensor;
  }

  /** Fills in the file and tensor when they were not known where the error was raised. */
  locate(where: GgufErrorLocation): this {
    this.file ??= where.file;
    this.tensor ??= where.tensor;
    return this;
  }
}

export function fail(code: GgufErrorCode, message: string, where: GgufErrorLocation = {}): never {
  throw new GgufError(code, message, where);
}
