/**
 * @quantkit/quant-wasm: quantkit's kernels compiled from the native addon's C++ sources to WebAssembly with SIMD128,
 * bit-identical to @quantkit/quant-core's reference. For every runtime the addon does not serve: macOS, Windows,
 * musl, arm64, edge runtimes and browsers.
 *
 * Node.js: createWasmBackend() loads the module synchronously. Browsers: `await loadWasmModule()` once (or pass the
 * module's URL or bytes), then createWasmBackend(). Hand the backend to @quantkit/quant's createQuantizer, or to
 * @quantkit/quant-core's createQuantApi / createKernelApi.
 */
export { createWasmBackend } from './backend.js';
export type { WasmBackend, WasmBackendOptions, WasmIsa } from './backend.js';
export { loadWasmModule, WASM_FILE } from './module.js';
export type { WasmModule } from './module.js';
export type { WasmArray, WasmMemory } from './memory.js';
export { WasmErrorCodes } from './errors.js';
export type { WasmErrorCode } from './errors.js';
export { CHUNK_BYTES } from './calls.js';
