import { createRequire } from 'node:module';
import {
  createAnalysis,
  createAsyncQuantApi,
  createKernelApi,
  createQuantApi,
  describeValue,
  ErrorCodes,
  hasAsyncKernels,
  parseIsaSetting,
  parseThreadsSetting,
  QuantError,
  referenceBackend,
  VERSION,
  type Analyze,
  type AsyncBackend,
  type AsyncQuantApi,
  type Backend,
  type KernelApi,
  type QuantApi,
} from '@quantkit/quant-core';
import { routedAsyncBackend, slicedAsyncBackend } from './async.js';
import { createRoutedBackend, ROUTING_THRESHOLDS, WASM_ROUTING_THRESHOLDS } from './routing.js';

/** A native kernel set: 'auto' (the best this CPU runs) or a name of the addon's list ('avx2', 'scalar', ...). */
export type KernelSetRequest = 'auto' | 'avx2' | 'scalar' | (string & {});

/** How the backend is chosen: QUANT_BACKEND, or the `backend` option of createQuantizer. */
export type BackendMode = 'auto' | 'native' | 'wasm' | 'reference';

export const BACKEND_MODES: readonly BackendMode[] = ['auto', 'native', 'wasm', 'reference'];

const NATIVE_UNAVAILABLE = ErrorCodes.NATIVE_UNAVAILABLE;
const WASM_UNAVAILABLE = ErrorCodes.WASM_UNAVAILABLE;

/** The part of @quantkit/quant-native this package uses (declared here, so the types never require it installed). */
export interface NativeModule {
  createNativeBackend(options?: { isa?: KernelSetRequest; threads?: number }): Backend & Partial<AsyncBackend>;
}

/** The part of @quantkit/quant-wasm this package uses (declared here, so the types never require it installed). */
export interface WasmPackage {
  createWasmBackend(): Backend;
}

export interface BackendInfo {
  /** 'native', 'wasm', 'reference', or the name of an injected backend. */
  readonly name: string;
  /** 'js' for the reference, 'avx2' or 'scalar' for native, 'simd128' for wasm. */
  readonly isa: string;
  readonly version: string;
  readonly threads: number;
  /** Why wasm or the reference serves the calls although native was wanted (mode auto only); one line. */
  readonly reason?: string;
}

/** Parses QUANT_BACKEND (unset or empty: auto); anything else is an error, not a silent default. */
export function parseMode(value: unknown, source = 'QUANT_BACKEND'): BackendMode {
  if (value === undefined || value === '') return 'auto';
  if (typeof value === 'string' && (BACKEND_MODES as readonly string[]).includes(value)) return value as BackendMode;
  const shown = typeof value === 'string' ? JSON.stringify(value) : describeValue(value);
  throw new QuantError(ErrorCodes.BACKEND, `${source} must be 'auto', 'native', 'wasm' or 'reference', got ${shown}`);
}

/**
 * Loads @quantkit/quant-native synchronously (the synchronous API needs the backend on its first call). It is an ES
 * module; Node.js 20.19+ / 22.12+ (this package's engines) can require() it. Only the native path calls this.
 */
export function requireNativeModule(): NativeModule {
  const require = createRequire(import.meta.url);
  try {
    return require('@quantkit/quant-native') as NativeModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
    const message = missing
      ? '@quantkit/quant-native is not installed (it is an optional dependency of @quantkit/quant: install it, or make sure optional dependencies are not omitted)'
      : `@quantkit/quant-native failed to load: ${firstLine(error)}`;
    throw new QuantError(NATIVE_UNAVAILABLE, message, { cause: error });
  }
}

/**
 * Loads @quantkit/quant-wasm synchronously (a dependency of this package: pure JavaScript and a .wasm file, nothing
 * to compile at install). Throws ERR_QUANT_WASM_UNAVAILABLE when it is missing or fails to load.
 */
export function requireWasmPackage(): WasmPackage {
  const require = createRequire(import.meta.url);
  try {
    return require('@quantkit/quant-wasm') as WasmPackage;
  } catch (error) {
    throw new QuantError(WASM_UNAVAILABLE, `@quantkit/quant-wasm failed to load: ${firstLine(error)}`, { cause: error });
  }
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0]!.trim();
}

/** The first line, and when it ends by announcing a list ("... Tried:"), the list's first entry: a reason that says why. */
function headline(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n').map((l) => l.trim());
  const first = lines[0] ?? '';
  return first.endsWith(':') && lines[1] ? `${first} ${lines[1].replace(/^- /, '')}` : first;
}

export function referenceInfo(reason?: string): BackendInfo {
  return { name: referenceBackend.name, isa: referenceBackend.isa, version: VERSION, threads: 1, ...(reason !== undefined ? { reason } : {}) };
}

export function infoOf(b: Backend): BackendInfo {
  return { name: b.name, isa: b.isa, version: b.version, threads: b.threads };
}

const printed = new Set<string>();

/** QUANT_DEBUG=backend (a comma- or space-separated list may hold other topics): print the selection once, to stderr. */
export function debugBackend(info: BackendInfo): void {
  const topics = (process.env['QUANT_DEBUG'] ?? '').split(/[\s,]+/);
  if (!topics.includes('backend')) return;
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const line = `[quantkit] backend: ${info.name} (isa ${info.isa}, ${threads}, v${info.version})${info.reason !== undefined ? `: ${info.reason}` : ''}`;
  if (printed.has(line)) return;
  printed.add(line);
  process.stderr.write(`${line}\n`);
}

/** How a quantizer's backend is chosen (QuantizerOptions without the rest). */
export interface SelectionOptions {
  readonly backend?: BackendMode | Backend;
  readonly threads?: number;
  readonly isa?: KernelSetRequest;
  readonly native?: NativeModule;
  /** The @quantkit/quant-wasm module to use instead of loading it by name (tests, bundles). */
  readonly wasm?: WasmPackage;
}

/** A backend and everything bound to it. */
export interface Selection {
  readonly backend: Backend;
  readonly asyncBackend: AsyncBackend;
  readonly info: BackendInfo;
  readonly api: QuantApi;
  readonly asyncApi: AsyncQuantApi;
  readonly kernels: KernelApi;
  readonly analyze: Analyze;
}

function bind(backend: Backend, asyncBackend: AsyncBackend, info: BackendInfo): Selection {
  const api = createQuantApi(backend);
  return { backend, asyncBackend, info, api, asyncApi: createAsyncQuantApi(asyncBackend), kernels: createKernelApi(backend), analyze: createAnalysis(api) };
}

function referenceSelection(reason?: string): Selection {
  return bind(referenceBackend, slicedAsyncBackend(referenceBackend), referenceInfo(reason));
}

/** Loads the native backend; throws ERR_QUANT_NATIVE_UNAVAILABLE, or the native backend's configuration errors. */
function nativeSelection(options: SelectionOptions): Selection {
  const native = options.native ?? requireNativeModule();
  const nb = native.createNativeBackend({ ...(options.isa !== undefined ? { isa: options.isa } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  const routed = createRoutedBackend(nb, { thresholds: ROUTING_THRESHOLDS });
  const asyncBackend = hasAsyncKernels(nb) ? routedAsyncBackend(nb, referenceBackend, ROUTING_THRESHOLDS) : slicedAsyncBackend(routed);
  return bind(routed, asyncBackend, infoOf(nb));
}

/** Loads the WebAssembly backend (routed like native); throws ERR_QUANT_WASM_UNAVAILABLE when it cannot. */
function wasmSelection(options: SelectionOptions, reason?: string): Selection {
  const wb = (options.wasm ?? requireWasmPackage()).createWasmBackend();
  const routed = createRoutedBackend(wb, { thresholds: WASM_ROUTING_THRESHOLDS });
  return bind(routed, slicedAsyncBackend(routed), { ...infoOf(wb), ...(reason !== undefined ? { reason } : {}) });
}

/** A WebAssembly backend that cannot load (any error from loading it), as a one-line reason. */
function wasmReason(error: unknown): string {
  return `wasm backend unavailable: ${headline(error).replace(/^the WebAssembly backend is unavailable: /, '')}`;
}

/**
 * An error that means "the addon is not there or cannot load" (ERR_QUANT_NATIVE_UNAVAILABLE, or an error without a
 * quantkit code from loading it), as ERR_QUANT_NATIVE_UNAVAILABLE; undefined for anything else (a configuration
 * error such as a malformed QUANT_THREADS or QUANT_NATIVE_ISA, which must be loud in every mode).
 */
function asUnavailable(error: unknown): QuantError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === NATIVE_UNAVAILABLE) return error as QuantError;
  if (typeof code === 'string' && code.startsWith('ERR_QUANT_')) return undefined;
  return new QuantError(NATIVE_UNAVAILABLE, `the native backend failed to load: ${firstLine(error)}`, { cause: error });
}

/**
 * Chooses the backend: an injected Backend as is; 'reference'; 'native' (or throw); 'wasm' (or throw); 'auto':
 * native, else WebAssembly when the addon is not there or cannot load, else the reference, with the reasons in
 * info.reason.
 */
export function select(options: SelectionOptions): Selection {
  // Loud in every mode, the reference included: a malformed setting is a mistake, whichever backend would serve.
  parseThreadsSetting(process.env['QUANT_THREADS'], 'QUANT_THREADS', true);
  parseIsaSetting(process.env['QUANT_NATIVE_ISA'], 'QUANT_NATIVE_ISA', true);
  const choice = options.backend;
  if (typeof choice === 'object') return bind(choice, hasAsyncKernels(choice) ? choice : slicedAsyncBackend(choice), infoOf(choice));
  const mode = choice ?? parseMode(process.env['QUANT_BACKEND']);
  if (mode === 'reference') return referenceSelection();
  if (mode === 'wasm') return wasmSelection(options);
  let nativeReason: string;
  try {
    return nativeSelection(options);
  } catch (error) {
    const unavailable = asUnavailable(error);
    if (unavailable === undefined || mode === 'native') throw unavailable ?? error;
    nativeReason = `native backend unavailable: ${headline(error)}`;
  }
  try {
    return wasmSelection(options, nativeReason);
  } catch (error) {
    return referenceSelection(`${nativeReason}; ${wasmReason(error)}`);
  }
}
