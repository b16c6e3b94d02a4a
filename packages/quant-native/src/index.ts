/**
 * @quantkit/quant-native: quantkit's API on a Node-API addon with AVX2 kernels, bit-identical to
 * @quantkit/quant-core's reference, plus async variants that run off the JavaScript thread.
 *
 * Importing this module loads nothing: the addon is found and loaded on first use (see loader.ts), and the functions
 * below are core's createQuantApi / createKernelApi / createAsyncQuantApi bound to a default native backend
 * (QUANT_NATIVE_ISA, QUANT_THREADS).
 */
import { createAsyncQuantApi, createKernelApi, createQuantApi, deferredKernels } from '@quantkit/quant-core';
import type { AsyncQuantApi, DequantizeAsyncOptions, FloatArray, KernelApi, QuantApi, QuantizeAsyncOptions, QuantizedTensor } from '@quantkit/quant-core';
import { createNativeBackend, type NativeBackend } from './backend.js';

export { createNativeBackend } from './backend.js';
export type { NativeBackend, NativeBackendOptions, NativeIsa } from './backend.js';
export { loadNativeAddon, PACKAGE_VERSION } from './loader.js';
export type { LoadedAddon, LoadOptions } from './loader.js';
export { platformPackageName } from './platform.js';
export { ABI_VERSION } from './addon.js';
export type { NativeAddon, NativeAsyncKernel, NativeEngine, NativeKernel, NativeKernels } from './addon.js';
export { NativeErrorCodes } from './errors.js';
export type { NativeErrorCode } from './errors.js';
export { quantizationError } from '@quantkit/quant-core';

let backend: NativeBackend | undefined;
let api: QuantApi | undefined;
let asyncApi: AsyncQuantApi | undefined;
let kernelApi: KernelApi | undefined;

/** The backend behind this module's functions, created on first use. */
export function defaultNativeBackend(): NativeBackend {
  return (backend ??= createNativeBackend());
}

const quantApi = (): QuantApi => (api ??= createQuantApi(defaultNativeBackend()));
const asyncQuantApi = (): AsyncQuantApi => (asyncApi ??= createAsyncQuantApi(defaultNativeBackend()));
const kernels_ = (): KernelApi => (kernelApi ??= createKernelApi(defaultNativeBackend()));

export interface NativeInfo {
  /** The quant_native.node file in use. */
  readonly path: string;
  /** The kernel set in use ('avx2', 'scalar', ...). */
  readonly isa: string;
  readonly version: string;
  readonly abiVersion: number;
  /** Threads one call may use. */
  readonly threads: number;
}

/** Loads the addon if needed and describes the default backend (throws ERR_QUANT_NATIVE_UNAVAILABLE if it cannot load). */
export function nativeInfo(): NativeInfo {
  const b = defaultNativeBackend();
  return { path: b.path, isa: b.isa, version: b.version, abiVersion: b.abiVersion, threads: b.threads };
}

/** The function `name` of the default API, called on each use (so the addon loads on the first call). */
function forward<K extends 'quantize' | 'dequantize' | 'fakeQuantize' | 'fakeQuantizeWithError'>(name: K): QuantApi[K] {
  return ((...args: unknown[]) => (quantApi()[name] as (...a: unknown[]) => unknown)(...args)) as QuantApi[K];
}

export const quantize = forward('quantize');
export const dequantize = forward('dequantize');
export const fakeQuantize = forward('fakeQuantize');
export const fakeQuantizeWithError = forward('fakeQuantizeWithError');
export const computeQParams: QuantApi['computeQParams'] = (x, options) => quantApi().computeQParams(x, options);
export const quantizeBlocks: QuantApi['quantizeBlocks'] = (x, options) => quantApi().quantizeBlocks(x, options);
export const dequantizeBlocks: QuantApi['dequantizeBlocks'] = (qb, options) => quantApi().dequantizeBlocks(qb, options);
export const quantizeEmbeddings: QuantApi['quantizeEmbeddings'] = (x, options) => quantApi().quantizeEmbeddings(x, options);
export const searchBinaryRescore: QuantApi['searchBinaryRescore'] = (query, binary, options) => quantApi().searchBinaryRescore(query, binary, options);
export const rescoreCandidates: QuantApi['rescoreCandidates'] = (query, candidates, corpus, dim, metric) =>
  quantApi().rescoreCandidates(query, candidates, corpus, dim, metric);
export const topK: QuantApi['topK'] = (scores, k, order) => quantApi().topK(scores, k, order);

export const quantizeAsync: AsyncQuantApi['quantizeAsync'] = async (x, options) => asyncQuantApi().quantizeAsync(x, options);
export const dequantizeAsync = (async (qt: QuantizedTensor, options?: DequantizeAsyncOptions) => asyncQuantApi().dequantizeAsync(qt, options)) as AsyncQuantApi['dequantizeAsync'];
export const fakeQuantizeAsync = (async (x: FloatArray, options?: QuantizeAsyncOptions) => asyncQuantApi().fakeQuantizeAsync(x, options)) as AsyncQuantApi['fakeQuantizeAsync'];
export const quantizeBlocksAsync: AsyncQuantApi['quantizeBlocksAsync'] = async (x, options) => asyncQuantApi().quantizeBlocksAsync(x, options);
export const dequantizeBlocksAsync: AsyncQuantApi['dequantizeBlocksAsync'] = async (qb, options) => asyncQuantApi().dequantizeBlocksAsync(qb, options);

/** The native kernels behind core's validation: explicit parameters, caller-provided outputs. */
export const kernels: KernelApi = deferredKernels(kernels_);
