import { ErrorCodes } from '@quantkit/quant-core';

/**
 * The WebAssembly backend's own error codes, defined in @quantkit/quant-core's ErrorCodes (WASM_UNAVAILABLE,
 * WASM_MEMORY; docs/SPEC.md §8) and re-exported here under their short names. Argument errors keep core's other codes,
 * whichever backend runs. Every error is a QuantError carrying one of them as `code`.
 */
export const WasmErrorCodes = {
  /** The module could not be found, compiled or instantiated (no WebAssembly, no SIMD128, a missing .wasm file). */
  UNAVAILABLE: ErrorCodes.WASM_UNAVAILABLE,
  /** Linear memory could not grow to what a call or an allocation needs (the runtime's limit, or 4 GiB). */
  MEMORY: ErrorCodes.WASM_MEMORY,
} as const;

export type WasmErrorCode = (typeof WasmErrorCodes)[keyof typeof WasmErrorCodes];
