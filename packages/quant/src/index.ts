/**
 * @quantkit/quant: the package to install. The whole public API of @quantkit/quant-core (same names, same types),
 * with every backend-bound function routed to the selected backend:
 *
 * - QUANT_BACKEND=auto (default): the native AVX2 backend (@quantkit/quant-native, an optional dependency) if it
 *   loads, else the WebAssembly SIMD128 backend (@quantkit/quant-wasm), else the TypeScript reference, with the
 *   reasons in backendInfo().reason; native: native or throw; wasm: WebAssembly or throw; reference: never touches
 *   the addon. Anything else throws ERR_QUANT_BACKEND.
 * - Importing this module loads nothing: the choice is made on the first call (or backendInfo()).
 * - QUANT_DEBUG=backend prints the choice once, to stderr.
 * - createQuantizer({ backend, threads, isa, native }) binds the same API to an explicit choice or Backend object.
 *
 * Every backend gives identical results, bit for bit; small calls stay in JavaScript (routing.ts).
 */
import { createQuantizer } from './quantizer.js';

export * from '@quantkit/quant-core';
export { createQuantizer } from './quantizer.js';
export type { Quantizer, QuantizerOptions } from './quantizer.js';
export { BACKEND_MODES, parseMode } from './select.js';
export type { BackendInfo, BackendMode, KernelSetRequest, NativeModule, WasmPackage } from './select.js';
export { createRoutedBackend, ROUTING_THRESHOLDS, WASM_ROUTING_THRESHOLDS } from './routing.js';
export type { RoutingOperation, RoutingThresholds } from './routing.js';
export { ASYNC_SLICE } from './async.js';

const selected = createQuantizer();

export const quantize = selected.quantize;
export const dequantize = selected.dequantize;
export const fakeQuantize = selected.fakeQuantize;
export const fakeQuantizeWithError = selected.fakeQuantizeWithError;
export const computeQParams = selected.computeQParams;
export const quantizeBlocks = selected.quantizeBlocks;
export const dequantizeBlocks = selected.dequantizeBlocks;
export const quantizeEmbeddings = selected.quantizeEmbeddings;
export const searchBinaryRescore = selected.searchBinaryRescore;
export const rescoreCandidates = selected.rescoreCandidates;
export const topK = selected.topK;
export const quantizeAsync = selected.quantizeAsync;
export const dequantizeAsync = selected.dequantizeAsync;
export const fakeQuantizeAsync = selected.fakeQuantizeAsync;
export const quantizeBlocksAsync = selected.quantizeBlocksAsync;
export const dequantizeBlocksAsync = selected.dequantizeBlocksAsync;
/** The selected backend's kernels behind validation: explicit parameters, caller-provided outputs. */
export const kernels = selected.kernels;
/** Error analysis on the selected backend. */
export const analyze = selected.analyze;
/** Which backend serves the calls of this module's functions: { name, isa, version, threads, reason? }. */
export const backendInfo = selected.backendInfo;
