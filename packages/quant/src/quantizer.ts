import {
  createAnalysis,
  createAsyncQuantApi,
  createKernelApi,
  createQuantApi,
  ErrorCodes,
  QuantError,
  referenceBackend,
  type Analyze,
  type AsyncBackend,
  type AsyncQuantApi,
  type Backend,
  type KernelApi,
  type QuantApi,
} from '@quantkit/quant-core';
import { hasAsyncKernels, routedAsyncBackend, slicedAsyncBackend } from './async.js';
import { createRoutedBackend, ROUTING_THRESHOLDS } from './routing.js';
import {
  debugBackend,
  firstLine,
  infoOf,
  NATIVE_UNAVAILABLE,
  parseMode,
  referenceInfo,
  requireNativeModule,
  type BackendInfo,
  type BackendMode,
  type NativeModule,
} from './select.js';

export interface QuantizerOptions {
  /**
   * 'auto' (default: QUANT_BACKEND, else auto): native if it loads, else the reference, with the reason in
   * backendInfo(); 'native': native or throw; 'reference': never touches the addon. A Backend object is used as is
   * for every call (no size routing).
   */
  readonly backend?: BackendMode | Backend;
  /** Threads one native call may use (default: QUANT_THREADS, else the available cores). */
  readonly threads?: number;
  /** Native kernel instruction set (default: QUANT_NATIVE_ISA, else 'auto'). */
  readonly isa?: 'auto' | 'avx2' | 'scalar';
  /** The @quantkit/quant-native module to use instead of loading it by name (bundlers that inline it, tests). */
  readonly native?: NativeModule;
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

interface Selection {
  readonly backend: Backend;
  readonly asyncBackend: AsyncBackend;
  readonly info: BackendInfo;
  readonly api: QuantApi;
  readonly asyncApi: AsyncQuantApi;
  readonly kernels: KernelApi;
  readonly analyze: Analyze;
}

function looksLikeBackend(b: object): b is Backend {
  const r = b as Record<string, unknown>;
  return typeof r['capabilities'] === 'object' && typeof r['quantizeTensor'] === 'function' && typeof r['name'] === 'string';
}

function checkOptions(options: QuantizerOptions): void {
  if (typeof options !== 'object' || options === null) throw new QuantError(ErrorCodes.OPTION, 'createQuantizer options must be an object');
  const { backend, threads, isa } = options;
  if (typeof backend === 'object' && (backend === null || !looksLikeBackend(backend))) {
    throw new QuantError(ErrorCodes.BACKEND, 'backend must be \'auto\', \'native\', \'reference\' or a Backend object');
  }
  if (typeof backend !== 'object' && backend !== undefined) parseMode(backend, 'backend');
  if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new QuantError(ErrorCodes.OPTION, `threads must be an integer in 1..256, got ${String(threads)}`);
  }
  if (isa !== undefined && isa !== 'auto' && isa !== 'avx2' && isa !== 'scalar') {
    throw new QuantError(ErrorCodes.OPTION, `isa must be 'auto', 'avx2' or 'scalar', got ${JSON.stringify(isa)}`);
  }
}

function bind(backend: Backend, asyncBackend: AsyncBackend, info: BackendInfo): Selection {
  const api = createQuantApi(backend);
  return { backend, asyncBackend, info, api, asyncApi: createAsyncQuantApi(asyncBackend), kernels: createKernelApi(backend), analyze: createAnalysis(api) };
}

function referenceSelection(reason?: string): Selection {
  return bind(referenceBackend, slicedAsyncBackend(referenceBackend), referenceInfo(reason));
}

/** Loads the native backend; throws ERR_QUANT_NATIVE_UNAVAILABLE (or the native backend's own option errors). */
function nativeSelection(options: QuantizerOptions): Selection {
  const native = options.native ?? requireNativeModule();
  const nb = native.createNativeBackend({ ...(options.isa !== undefined ? { isa: options.isa } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  const routed = createRoutedBackend(nb, { thresholds: ROUTING_THRESHOLDS });
  const asyncBackend = hasAsyncKernels(nb) ? routedAsyncBackend(nb, referenceBackend, ROUTING_THRESHOLDS) : slicedAsyncBackend(routed);
  return bind(routed, asyncBackend, infoOf(nb));
}

function select(options: QuantizerOptions): Selection {
  const choice = options.backend;
  if (typeof choice === 'object') return bind(choice, hasAsyncKernels(choice) ? choice : slicedAsyncBackend(choice), infoOf(choice));
  const mode = choice ?? parseMode(process.env['QUANT_BACKEND']);
  if (mode === 'reference') return referenceSelection();
  try {
    return nativeSelection(options);
  } catch (error) {
    if (mode === 'native') {
      if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') throw error;
      throw new QuantError(NATIVE_UNAVAILABLE, `the native backend failed to load: ${firstLine(error)}`, { cause: error });
    }
    return referenceSelection(`native backend unavailable: ${firstLine(error)}`);
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

  const kernel =
    <K extends keyof KernelApi>(name: K): KernelApi[K] =>
    ((...args: unknown[]) => (s().kernels[name] as (...a: unknown[]) => unknown)(...args)) as KernelApi[K];

  const kernels: KernelApi = Object.freeze({
    quantizeTensor: kernel('quantizeTensor'),
    quantizeAxis: kernel('quantizeAxis'),
    quantizeBlocked: kernel('quantizeBlocked'),
    dequantizeTensor: kernel('dequantizeTensor'),
    dequantizeAxis: kernel('dequantizeAxis'),
    dequantizeBlocked: kernel('dequantizeBlocked'),
    fakeQuantizeTensor: kernel('fakeQuantizeTensor'),
    minMax: kernel('minMax'),
    absMax: kernel('absMax'),
    minMaxAxis: kernel('minMaxAxis'),
    minMaxBlocked: kernel('minMaxBlocked'),
    pack: kernel('pack'),
    unpack: kernel('unpack'),
    histogram: kernel('histogram'),
    absHistogram: kernel('absHistogram'),
  });

  return Object.freeze({
    quantize: (x, o) => s().api.quantize(x, o),
    dequantize: (qt, out) => s().api.dequantize(qt, out),
    fakeQuantize: (x, o) => s().api.fakeQuantize(x, o),
    fakeQuantizeWithError: (x, o) => s().api.fakeQuantizeWithError(x, o),
    computeQParams: (x, o) => s().api.computeQParams(x, o),
    quantizationError: (reference, approx) => s().api.quantizationError(reference, approx),
    quantizeAsync: async (x, o) => s().asyncApi.quantizeAsync(x, o),
    dequantizeAsync: async (qt, o) => s().asyncApi.dequantizeAsync(qt, o),
    fakeQuantizeAsync: async (x, o) => s().asyncApi.fakeQuantizeAsync(x, o),
    analyze: ((...args: Parameters<Analyze>) => s().analyze(...args)) as Analyze,
    kernels,
    backendInfo: () => s().info,
    backend: () => s().backend,
  } satisfies Quantizer);
}
