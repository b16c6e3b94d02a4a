/**
 * Every error quantkit throws on purpose is a QuantError with a stable `code`.
 * Codes never change meaning; messages may be improved. Validation happens once,
 * in TypeScript, before any kernel (reference or native) runs.
 */
export const ErrorCodes = {
  /** The input is not a Float32Array or Float64Array (or an integer array where one is required). */
  INPUT_TYPE: 'ERR_QUANT_INPUT_TYPE',
  /** `bits` is not an integer in 2..16, or does not fit the chosen storage (packing). */
  BITS: 'ERR_QUANT_BITS',
  /** `axis` is not an integer in [-rank, rank - 1]. */
  AXIS: 'ERR_QUANT_AXIS',
  /** `shape` is malformed or its product disagrees with the data length, or two arrays differ in length. */
  SHAPE: 'ERR_QUANT_SHAPE',
  /** `blockSize` is not an integer >= 1. */
  BLOCK_SIZE: 'ERR_QUANT_BLOCK_SIZE',
  /** A scale is <= 0, NaN or infinite, or a scale array has the wrong length or type. */
  SCALE: 'ERR_QUANT_SCALE',
  /** A zero point is not an integer inside the storage type's range, or a zero point array is malformed. */
  ZERO_POINT: 'ERR_QUANT_ZERO_POINT',
  /** A caller-provided output buffer has the wrong type or length. */
  OUTPUT: 'ERR_QUANT_OUTPUT',
  /** Packed data has the wrong byte length, or packing was asked for with a bit width other than 2 or 4. */
  PACKED: 'ERR_QUANT_PACKED',
  /** An option has an unknown value (scheme, profile, granularity, range, ...). */
  OPTION: 'ERR_QUANT_OPTION',
  /** A calibration range is unusable: min > max, NaN or infinite bounds. */
  RANGE: 'ERR_QUANT_RANGE',
  /** A backend cannot be selected or does not support the requested operation; a malformed QUANT_BACKEND. */
  BACKEND: 'ERR_QUANT_BACKEND',
  /**
   * The native addon could not be found or loaded, or was built for another version or interface; the message lists
   * every place tried. The only backend error that mode 'auto' answers by falling back to the reference.
   */
  NATIVE_UNAVAILABLE: 'ERR_QUANT_NATIVE_UNAVAILABLE',
  /** The `isa` option or QUANT_NATIVE_ISA is not an ISA name, or names one this CPU cannot run. */
  NATIVE_ISA: 'ERR_QUANT_NATIVE_ISA',
  /** The `threads` option or QUANT_THREADS is not an integer in 1..256. */
  NATIVE_THREADS: 'ERR_QUANT_NATIVE_THREADS',
  /** The raw addon was called with arguments its own C++ checks refuse (not reachable through the validated API). */
  NATIVE_ARGUMENT: 'ERR_QUANT_NATIVE_ARGUMENT',
  /**
   * The WebAssembly module (@quantkit/quant-wasm) could not be found, compiled or instantiated (no WebAssembly, no
   * SIMD128, a missing .wasm file). Like NATIVE_UNAVAILABLE, mode 'auto' answers it by falling back.
   */
  WASM_UNAVAILABLE: 'ERR_QUANT_WASM_UNAVAILABLE',
  /** The WebAssembly module's linear memory could not grow to what a call or an allocation needs (the runtime's limit, or 4 GiB). */
  WASM_MEMORY: 'ERR_QUANT_WASM_MEMORY',
  /** An input or output buffer is detached: before the call, or while an async call was running. */
  DETACHED: 'ERR_QUANT_DETACHED',
  /** A size quantkit refuses to serve: more parameter groups than can be allocated, `bins` above its cap, ... */
  LIMIT: 'ERR_QUANT_LIMIT',
  /** An options object has a key the call does not know (the message names the closest valid one). */
  UNKNOWN_OPTION: 'ERR_QUANT_UNKNOWN_OPTION',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class QuantError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuantError';
    this.code = code;
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new QuantError(code, message);
}
