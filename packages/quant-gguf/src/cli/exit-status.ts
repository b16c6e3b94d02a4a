import { GgufError, type GgufErrorCode } from '../errors.js';

/** The quant CLI's exit statuses (packages/quant-cli/src/errors.ts), for the gguf command's errors. */
export const ExitStatus = { OK: 0, INTERNAL: 1, USAGE: 2, NOT_A_FILE: 3, MALFORMED: 4, UNSUPPORTED: 5, OUTPUT_EXISTS: 6, QUANTIZATION: 7, IO: 8, SIGINT: 130 } as const;

const BY_CODE: Readonly<Record<GgufErrorCode, number>> = {
  E_GGUF_MAGIC: ExitStatus.MALFORMED,
  E_GGUF_VERSION: ExitStatus.UNSUPPORTED,
  E_GGUF_TRUNCATED: ExitStatus.MALFORMED,
  E_GGUF_OVERLAP: ExitStatus.MALFORMED,
  E_GGUF_ALIGNMENT: ExitStatus.MALFORMED,
  E_GGUF_LIMIT: ExitStatus.MALFORMED,
  E_GGUF_DUPLICATE: ExitStatus.MALFORMED,
  E_GGUF_TYPE: ExitStatus.UNSUPPORTED,
  E_GGUF_METADATA: ExitStatus.MALFORMED,
  E_GGUF_SHAPE: ExitStatus.MALFORMED,
  E_GGUF_OPTION: ExitStatus.USAGE,
  E_GGUF_PLAN: ExitStatus.USAGE,
  E_GGUF_QUANTIZE: ExitStatus.QUANTIZATION,
  E_GGUF_OUTPUT_EXISTS: ExitStatus.OUTPUT_EXISTS,
  E_GGUF_ABORTED: ExitStatus.SIGINT,
};

export interface Reported {
  readonly code: string;
  readonly status: number;
  readonly message: string;
  readonly file?: string;
  readonly tensor?: string;
}

/** What to print and exit with for anything thrown: a GgufError by its code, an errno error as E_NOT_FOUND or E_IO. */
export function reportedError(e: unknown): Reported {
  if (e instanceof GgufError) {
    return { code: e.code, status: BY_CODE[e.code], message: e.message, ...(e.file !== undefined ? { file: e.file } : {}), ...(e.tensor !== undefined ? { tensor: e.tensor } : {}) };
  }
  const errno = e as NodeJS.ErrnoException;
  if (errno instanceof Error && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
    const file = errno.path;
    if (errno.code === 'ENOENT') return { code: 'E_NOT_FOUND', status: ExitStatus.NOT_A_FILE, message: 'no such file or directory', ...(file ? { file } : {}) };
    if (errno.code === 'EISDIR') return { code: 'E_NOT_A_FILE', status: ExitStatus.NOT_A_FILE, message: 'is a directory, not a file', ...(file ? { file } : {}) };
    return { code: 'E_IO', status: ExitStatus.IO, message: `${errno.syscall} failed: ${errno.code}`, ...(file ? { file } : {}) };
  }
  return { code: 'E_INTERNAL', status: ExitStatus.INTERNAL, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
