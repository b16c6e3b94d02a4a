/**
 * The WebAssembly backend's own error codes (argument errors keep @quantkit/quant-core's codes, whichever backend
 * runs). Every error is a QuantError carrying one of them as `code`.
 */
export const WasmErrorCodes = {
  /** The module could not be found, compiled or instantiated (no WebAssembly, no SIMD128, a missing .wasm file). */
  UNAVAILABLE: 'ERR_QUANT_WASM_UNAVAILABLE',
  /** Linear memory could not grow to what a call or an allocation needs (the runtime's limit, or 4 GiB). */
  MEMORY: 'ERR_QUANT_WASM_MEMORY',
} as const;

export type WasmErrorCode = (typeof WasmErrorCodes)[keyof typeof WasmErrorCodes];
