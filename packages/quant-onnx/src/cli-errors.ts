import { OnnxError, OnnxErrorCodes } from './errors.js';

/** Exit statuses of `quant onnx`: the values of the `quant` CLI's ExitStatus (packages/quant-cli/src/errors.ts). */
export const OnnxExitStatus = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  NOT_A_FILE: 3,
  MALFORMED: 4,
  UNSUPPORTED: 5,
  OUTPUT_EXISTS: 6,
  QUANTIZATION: 7,
  IO: 8,
} as const;

const LIBRARY_STATUS: Readonly<Record<string, number>> = {
  [OnnxErrorCodes.OPTION]: OnnxExitStatus.USAGE,
  [OnnxErrorCodes.PLAN]: OnnxExitStatus.USAGE,
  [OnnxErrorCodes.PARSE]: OnnxExitStatus.MALFORMED,
  [OnnxErrorCodes.INVALID]: OnnxExitStatus.MALFORMED,
  [OnnxErrorCodes.OPSET]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.EXTERNAL_DATA]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.EXTERNAL_DATA_MISSING]: OnnxExitStatus.NOT_A_FILE,
  [OnnxErrorCodes.EXTERNAL_DATA_SHORT]: OnnxExitStatus.MALFORMED,
  [OnnxErrorCodes.EXTERNAL_DATA_PATH]: OnnxExitStatus.MALFORMED,
  [OnnxErrorCodes.TOO_LARGE]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.SHARED_WEIGHT]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.ALREADY_QUANTIZED]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.NOTHING_TO_QUANTIZE]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.QUANTIZATION]: OnnxExitStatus.QUANTIZATION,
  [OnnxErrorCodes.FLOAT16]: OnnxExitStatus.UNSUPPORTED,
  [OnnxErrorCodes.ALREADY_FLOAT16]: OnnxExitStatus.UNSUPPORTED,
};

/** A failure of the command itself (not of the library): `quant` CLI codes. */
export class CommandError extends Error {
  constructor(
    readonly code: 'E_USAGE' | 'E_NOT_FOUND' | 'E_NOT_A_FILE' | 'E_OUTPUT_EXISTS' | 'E_OUTPUT_IS_INPUT' | 'E_OUTPUT_NOT_REGULAR' | 'E_IO',
    message: string,
    readonly exitStatus: number,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export function usage(message: string): never {
  throw new CommandError('E_USAGE', message, OnnxExitStatus.USAGE);
}

/** Turns anything thrown into a code, a message (the caller prefixes the path) and an exit status. */
export function describeFailure(error: unknown): { code: string; message: string; exitStatus: number } {
  if (error instanceof OnnxError) return { code: error.code, message: error.message, exitStatus: LIBRARY_STATUS[error.code] ?? OnnxExitStatus.INTERNAL };
  if (error instanceof CommandError) return { code: error.code, message: error.message, exitStatus: error.exitStatus };
  const errno = error as NodeJS.ErrnoException;
  if (errno?.code === 'ENOENT') return { code: 'E_NOT_FOUND', message: 'no such file or directory', exitStatus: OnnxExitStatus.NOT_A_FILE };
  if (errno?.code === 'EISDIR') return { code: 'E_NOT_A_FILE', message: 'is a directory, not a file', exitStatus: OnnxExitStatus.NOT_A_FILE };
  if (typeof errno?.code === 'string' && typeof errno.syscall === 'string') {
    return { code: 'E_IO', message: `${errno.syscall} failed: ${errno.code} (${errno.message})`, exitStatus: OnnxExitStatus.IO };
  }
  return { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error), exitStatus: OnnxExitStatus.INTERNAL };
}
