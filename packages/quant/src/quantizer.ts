import { checkOptionKeys, deferredKernels, describeValue, ErrorCodes, QuantError, type Analyze, type AsyncQuantApi, type Backend, type KernelApi, type FloatArray, type QuantApi, type QuantizeOptions, type QuantizedTensor, type DequantizeAsyncOptions, type QuantizeAsyncOptions } from '@quantkit/quant-core';
import { debugBackend, parseMode, select, type BackendInfo, type BackendMode, type KernelSetRequest, type NativeModule, type Selection, type WasmPackage } from './select.js';

export interface QuantizerOptions {
  /**
   * 'auto' (default: QUANT_BACKEND, else auto): native if it loads, else WebAssembly, else the reference, with the
   * reason in backendInfo(); 'native': native or throw; 'wasm': WebAssembly or throw; 'reference': never touches the
   * addon. A Backend object is used as is
   * for every call (no size routing).
   */
  readonly backend?: BackendMode | Backend;
  /** Threads one native call may use (default: QUANT_THREADS, else the available cores). */
  readonly threads?: number;
  /** Native kernel instruction set (default: QUANT_NATIVE_ISA, else 'auto'). */
  readonly isa?: KernelSetRequest;
  /** The @quantkit/quant-native module to use instead of loading it by name (bundlers that inline it, tests). */
  readonly native?: NativeModule;
  /**
   * The @quantkit/quant-wasm module to use instead of loading it by name (bundlers that inline it, tests). The
   * WebAssembly backend it creates is routed by WASM_ROUTING_THRESHOLDS; to use one instance as is, pass
   * `backend: createWasmBackend()`.
   */
  readonly wasm?: WasmPackage;
}

/** quantkit's whole backend-bound API, bound to one backend selection. */
export interface Quantizer extends QuantApi, AsyncQuantApi {
  /** Kernel-level functions (explicit parameters, caller-provided outputs), validated. */
  readonly kernels: KernelApi;
  /** Error analysis (see @quantkit/quant-core's analyze) on this quantizer's backend. */
  readonly analyze: Analyze;
  /** Which backend serves the calls; selects it if that has not happened yet. */
  backendInfo(): BackendInfo;
  /** The Backend calls go to (for native: routed, small calls on the reference); selects it if needed. */
  backend(): Backend;
}

function looksLikeBackend(b: object): b is Backend {
  const r = b as Record<string, unknown>;
  return typeof r['capabilities'] === 'object' && typeof r['quantizeTensor'] === 'function' && typeof r['name'] === 'string';
}

/** The options of createQuantizer (a typo is ERR_QUANT_UNKNOWN_OPTION naming the closest one). */
const QUANTIZER_OPTIONS = ['backend', 'threads', 'isa', 'native', 'wasm'] as const;

function checkOptions(options: QuantizerOptions): void {
  if (typeof options !== 'object' || options === null) throw new QuantError(ErrorCodes.OPTION, `createQuantizer options must be an object, got ${describeValue(options)}`);
  checkOptionKeys(options, QUANTIZER_OPTIONS);
  const { backend, threads, isa, native, wasm } = options;
  if (typeof backend === 'object' && (backend === null || !looksLikeBackend(backend))) {
    throw new QuantError(ErrorCodes.BACKEND, 'backend must be \'auto\', \'native\', \'wasm\', \'reference\' or a Backend object');
  }
  if (typeof backend !== 'object' && backend !== undefined) parseMode(backend, 'backend');
  if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new QuantError(ErrorCodes.OPTION, `threads must be an integer in 1..256, got ${describeValue(threads)}`);
  }
  // Which kernel sets exist is the addon's to say (an unknown one is ERR_QUANT_NATIVE_ISA on first use); here only the
  // form of the name.
  if (isa !== undefined && (typeof isa !== 'string' || !/^[a-z][a-z0-9_]*$/.test(isa))) {
    throw new QuantError(ErrorCodes.OPTION, `isa must be 'auto' or a kernel set name such as 'avx2' or 'scalar', got ${describeValue(isa)}`);
  }
  if (native !== undefined && (typeof native !== 'object' || native === null || typeof native.createNativeBackend !== 'function')) {
    throw new QuantError(ErrorCodes.OPTION, `native must be the @quantkit/quant-native module, got ${describeValue(native)}`);
  }
  if (wasm !== undefined && (typeof wasm !== 'object' || wasm === null || typeof wasm.createWasmBackend !== 'function')) {
    throw new QuantError(ErrorCodes.OPTION, `wasm must be the @quantkit/quant-wasm module, got ${describeValue(wasm)}`);
  }
}

/**
 * Creates quantkit's API bound to one backend. Nothing is loaded until the first call (or backendInfo()): in modes
 * auto and native that is when @quantkit/quant-native is required and its addon loaded.
 */
export function createQuantizer(options: QuantizerOptions = {}): Quantizer {
  checkOptions(options);
  let selection: Selection | undefined;
  const s = (): Selection => {
    if (selection === undefined) {
      selection = select(options);
      if (typeof options.backend !== 'object') debugBackend(selection.info);
    }
    return selection;
  };

  const kernels: KernelApi = deferredKernels(() => s().kernels);

  return Object.freeze({
    quantize: (x, o) => s().api.quantize(x, o),
    dequantize: ((...args: Parameters<QuantApi['dequantize']>) => s().api.dequantize(...args)) as QuantApi['dequantize'],
    fakeQuantize: ((x: FloatArray, o?: QuantizeOptions) => s().api.fakeQuantize(x, o)) as QuantApi['fakeQuantize'],
    fakeQuantizeWithError: ((x: FloatArray, o?: QuantizeOptions) => s().api.fakeQuantizeWithError(x, o)) as QuantApi['fakeQuantizeWithError'],
    computeQParams: (x, o) => s().api.computeQParams(x, o),
    quantizationError: (reference, approx) => s().api.quantizationError(reference, approx),
    quantizeBlocks: (x, o) => s().api.quantizeBlocks(x, o),
    dequantizeBlocks: (qb, o) => s().api.dequantizeBlocks(qb, o),
    quantizeEmbeddings: (x, o) => s().api.quantizeEmbeddings(x, o),
    searchBinaryRescore: (query, binary, o) => s().api.searchBinaryRescore(query, binary, o),
    rescoreCandidates: (query, candidates, corpus, dim, metric) => s().api.rescoreCandidates(query, candidates, corpus, dim, metric),
    topK: (scores, k, order) => s().api.topK(scores, k, order),
    quantizeAsync: async (x, o) => s().asyncApi.quantizeAsync(x, o),
    dequantizeAsync: (async (qt: QuantizedTensor, o?: DequantizeAsyncOptions) => s().asyncApi.dequantizeAsync(qt, o)) as AsyncQuantApi['dequantizeAsync'],
    fakeQuantizeAsync: (async (x: FloatArray, o?: QuantizeAsyncOptions) => s().asyncApi.fakeQuantizeAsync(x, o)) as AsyncQuantApi['fakeQuantizeAsync'],
    quantizeBlocksAsync: async (x, o) => s().asyncApi.quantizeBlocksAsync(x, o),
    dequantizeBlocksAsync: async (qb, o) => s().asyncApi.dequantizeBlocksAsync(qb, o),
    analyze: ((...args: Parameters<Analyze>) => s().analyze(...args)) as Analyze,
    kernels,
    backendInfo: () => s().info,
    backend: () => s().backend,
  } satisfies Quantizer);
}
