/**
 * Error codes of the native backend, in addition to @quantkit/quant-core's ErrorCodes (argument errors keep core's
 * codes, whichever backend runs). Every error is a QuantError carrying one of these as `code`.
 */
export const NativeErrorCodes = {
  /** The addon could not be found or loaded, or was built for another version; the message lists every place tried. */
  UNAVAILABLE: 'ERR_QUANT_NATIVE_UNAVAILABLE',
  /** `isa` / QUANT_NATIVE_ISA is not 'auto', 'avx2' or 'scalar', or names an ISA this CPU cannot run. */
  ISA: 'ERR_QUANT_NATIVE_ISA',
  /** `threads` / QUANT_THREADS is not an integer in 1..256. */
  THREADS: 'ERR_QUANT_NATIVE_THREADS',
  /** The raw addon was called with arguments its own C++ checks refuse (not reachable through the validated API). */
  ARGUMENT: 'ERR_QUANT_NATIVE_ARGUMENT',
} as const;

export type NativeErrorCode = (typeof NativeErrorCodes)[keyof typeof NativeErrorCodes];
