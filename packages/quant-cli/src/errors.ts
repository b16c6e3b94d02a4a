/**
 * Exit statuses of `quant` (documented in README.md and docs/FORMAT.md). A run that handles one output reports that
 * output's status; a batch of several outputs exits with BATCH_FAILED when any of them failed.
 */
export const ExitStatus = {
  OK: 0,
  /** A batch of several outputs finished and at least one failed (each failure was reported), or an internal error. */
  BATCH_FAILED: 1,
  /** Bad command line. */
  USAGE: 2,
  /** An input path does not exist or is not a regular file (or a directory holding no .npy/.safetensors file). */
  NOT_A_FILE: 3,
  /** A malformed input: truncated, bad header, offsets out of bounds or overlapping, shape/byte-length mismatch... */
  MALFORMED: 4,
  /** Well-formed but unsupported data: an unknown dtype, a .npy object or structured array. */
  UNSUPPORTED: 5,
  /** The output exists and --force was not given, or the output would replace an input. */
  OUTPUT_EXISTS: 6,
  /** The quantization library refused a tensor (for example ±Infinity in the data, an axis out of range). */
  QUANTIZATION: 7,
  /** Reading or writing failed at the operating-system level (permissions, disk full...). */
  IO: 8,
  /** Interrupted (128 + the signal number); temporary outputs were removed. */
  SIGHUP: 129,
  SIGINT: 130,
  SIGQUIT: 131,
  SIGTERM: 143,
} as const;

/** Stable machine-readable codes; each maps to one exit status. */
export const CliErrorCodes = {
  USAGE: ['E_USAGE', ExitStatus.USAGE],
  NOT_FOUND: ['E_NOT_FOUND', ExitStatus.NOT_A_FILE],
  NOT_A_FILE: ['E_NOT_A_FILE', ExitStatus.NOT_A_FILE],
  NO_INPUTS: ['E_NO_INPUTS', ExitStatus.NOT_A_FILE],
  TRUNCATED: ['E_TRUNCATED', ExitStatus.MALFORMED],
  HEADER_LENGTH: ['E_HEADER_LENGTH', ExitStatus.MALFORMED],
  HEADER_JSON: ['E_HEADER_JSON', ExitStatus.MALFORMED],
  HEADER: ['E_HEADER', ExitStatus.MALFORMED],
  OFFSETS: ['E_OFFSETS', ExitStatus.MALFORMED],
  SHAPE_MISMATCH: ['E_SHAPE_MISMATCH', ExitStatus.MALFORMED],
  DTYPE_MISMATCH: ['E_DTYPE_MISMATCH', ExitStatus.MALFORMED],
  /** A quantized file's scale tensor is not of the dtype its format version gives the original's dtype (FORMAT.md). */
  SCALE_DTYPE: ['E_SCALE_DTYPE', ExitStatus.MALFORMED],
  BAD_MAGIC: ['E_BAD_MAGIC', ExitStatus.MALFORMED],
  DUPLICATE_NAME: ['E_DUPLICATE_NAME', ExitStatus.MALFORMED],
  UNSUPPORTED_DTYPE: ['E_UNSUPPORTED_DTYPE', ExitStatus.UNSUPPORTED],
  OBJECT_ARRAY: ['E_OBJECT_ARRAY', ExitStatus.UNSUPPORTED],
  /** A .npy dtype that does not say what its bytes are: raw 2-byte void ('V2'), which is how ml_dtypes saves bfloat16. */
  AMBIGUOUS_DTYPE: ['E_AMBIGUOUS_DTYPE', ExitStatus.UNSUPPORTED],
  NOT_QUANTIZED: ['E_NOT_QUANTIZED', ExitStatus.UNSUPPORTED],
  ALREADY_QUANTIZED: ['E_ALREADY_QUANTIZED', ExitStatus.UNSUPPORTED],
  OUTPUT_EXISTS: ['E_OUTPUT_EXISTS', ExitStatus.OUTPUT_EXISTS],
  OUTPUT_IS_INPUT: ['E_OUTPUT_IS_INPUT', ExitStatus.OUTPUT_EXISTS],
  /** The output path names a device, FIFO, socket, directory or symbolic link: only regular files are ever replaced. */
  OUTPUT_NOT_REGULAR: ['E_OUTPUT_NOT_REGULAR', ExitStatus.OUTPUT_EXISTS],
  /** The output's extension does not match what is written (e.g. `-o out.npy` for a safetensors file). */
  EXTENSION: ['E_EXTENSION', ExitStatus.USAGE],
  /** A malformed QUANT_BACKEND / QUANT_NATIVE_ISA / QUANT_THREADS setting. */
  BACKEND: ['E_BACKEND', ExitStatus.USAGE],
  /** A quantized file of a format version this quant does not read. */
  FORMAT_VERSION: ['E_FORMAT_VERSION', ExitStatus.UNSUPPORTED],
  /** A size refused on purpose: parameters far beyond their data (--allow-large-params), bins above the cap... */
  LIMIT: ['E_LIMIT', ExitStatus.QUANTIZATION],
  QUANTIZATION: ['E_QUANTIZATION', ExitStatus.QUANTIZATION],
  IO: ['E_IO', ExitStatus.IO],
  ABORTED: ['E_ABORTED', ExitStatus.SIGINT],
} as const;

export type CliErrorKind = keyof typeof CliErrorCodes;

export interface ErrorLocation {
  readonly file?: string;
  readonly tensor?: string;
}

/** An error `quant` reports to the user: a stable code, an exit status, and where it happened. */
export class CliError extends Error {
  readonly code: string;
  readonly exitStatus: number;
  file: string | undefined;
  tensor: string | undefined;

  constructor(kind: CliErrorKind, message: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = CliErrorCodes[kind][0];
    this.exitStatus = CliErrorCodes[kind][1];
    this.file = where.file;
    this.tensor = where.tensor;
  }

  /** Fills in the file and tensor when they are not known yet (errors are raised deep down and located on the way up). */
  locate(where: ErrorLocation): this {
    this.file ??= where.file;
    this.tensor ??= where.tensor;
    return this;
  }

  /** "file: tensor 'name': message" */
  describe(): string {
    const parts: string[] = [];
    if (this.file !== undefined) parts.push(this.file);
    if (this.tensor !== undefined) parts.push(`tensor '${this.tensor}'`);
    parts.push(this.message);
    return parts.join(': ');
  }
}

export function fail(kind: CliErrorKind, message: string, where: ErrorLocation = {}): never {
  throw new CliError(kind, message, where);
}

/**
 * Library codes that are not about a tensor's data: the backend settings (QUANT_BACKEND, QUANT_NATIVE_ISA, QUANT_THREADS,
 * and QUANT_BACKEND=native without a loadable addon) and sizes refused on purpose. Every other QuantError is QUANTIZATION.
 */
const LIBRARY_CODE_KINDS: Readonly<Record<string, CliErrorKind>> = Object.assign(Object.create(null) as Record<string, CliErrorKind>, {
  ERR_QUANT_BACKEND: 'BACKEND',
  ERR_QUANT_NATIVE_ISA: 'BACKEND',
  ERR_QUANT_NATIVE_THREADS: 'BACKEND',
  ERR_QUANT_NATIVE_UNAVAILABLE: 'BACKEND',
  ERR_QUANT_LIMIT: 'LIMIT',
});

/** Turns anything thrown while handling `where` into a located CliError (QuantError -> QUANTIZATION, errno -> IO). */
export function toCliError(e: unknown, where: ErrorLocation = {}): CliError {
  if (e instanceof CliError) return e.locate(where);
  if (e instanceof Error && e.name === 'QuantError') {
    const code = (e as Error & { code?: string }).code;
    const kind = (code !== undefined && LIBRARY_CODE_KINDS[code]) || 'QUANTIZATION';
    return new CliError(kind, `${e.message}${code ? ` (${code})` : ''}`, where, { cause: e });
  }
  if (e instanceof Error && e.name === 'AbortError') return new CliError('ABORTED', 'interrupted', where, { cause: e });
  const errno = e as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    if (errno.code === 'ENOENT') return new CliError('NOT_FOUND', `no such file or directory${errno.path ? ` '${errno.path}'` : ''}`, where, { cause: e });
    if (errno.code === 'EISDIR') return new CliError('NOT_A_FILE', 'is a directory, not a file', where, { cause: e });
    return new CliError('IO', `${errno.syscall} failed: ${errno.code}${errno.message ? ` (${errno.message})` : ''}`, where, { cause: e });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new CliError('IO', `unexpected error: ${message}`, where, { cause: e });
}
