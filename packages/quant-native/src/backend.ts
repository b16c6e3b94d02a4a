import { AbortError, describeValue, ErrorCodes, MAX_THREADS, parseIsaSetting, parseThreadsSetting, QuantError, throwIfAborted } from '@quantkit/quant-core';
import type { AbortSignalLike, AsyncBackend, AsyncOptions, Backend, BackendCapabilities } from '@quantkit/quant-core';
import type { NativeEngine } from './addon.js';
import { asyncKernels, syncKernels } from './generated/binding.js';
import { slotIndicesOf } from './marshal.js';
import { NativeErrorCodes } from './errors.js';
import { nativeAddon, type LoadedAddon } from './loader.js';

/** 'auto' (the best kernel set this CPU runs) or a kernel set's name ('avx2', 'scalar', ...: addon.availableIsas). */
export type NativeIsa = 'auto' | 'avx2' | 'scalar' | (string & {});

export interface NativeBackendOptions {
  /** Kernel instruction set. Default: QUANT_NATIVE_ISA, else 'auto' (AVX2 when the CPU has it, else scalar). */
  readonly isa?: NativeIsa;
  /**
   * Threads one call may use (the calling thread included). Default: QUANT_THREADS, else the cores this process may
   * run on. Inputs below two chunks (2 * 65536 elements) always run on one thread, so small calls pay nothing for it.
   */
  readonly threads?: number;
  /** The addon to use (default: the one loadNativeAddon() finds, loaded once). */
  readonly addon?: LoadedAddon;
}

/** The native Backend, with an async twin of every kernel (AsyncBackend) that runs off the JavaScript thread. */
export interface NativeBackend extends Backend, AsyncBackend {
  readonly name: 'native';
  /** The kernel set `isa` resolved to ('avx2', 'scalar', ...). */
  readonly isa: string;
  readonly abiVersion: number;
  /** The file the addon was loaded from. */
  readonly path: string;
}

const CAPABILITIES: BackendCapabilities = Object.freeze({
  float64: true,
  profiles: Object.freeze(['onnx', 'pytorch'] as const),
  perAxis: true,
  blocked: true,
  bits: Object.freeze([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
  packedBits: Object.freeze([2, 4] as const),
  fakeQuantize: true,
  histogram: true,
  ggml: true,
  embeddings: Object.freeze(['float32'] as const),
});

/** `isa` or QUANT_NATIVE_ISA (default 'auto'); which names exist and which this CPU runs is the addon's to say. */
function resolveIsa(isa: unknown): { value: string; source: string } {
  if (isa !== undefined) return { value: parseIsaSetting(isa, 'isa') ?? 'auto', source: 'isa' };
  return { value: parseIsaSetting(process.env['QUANT_NATIVE_ISA'], 'QUANT_NATIVE_ISA', true) ?? 'auto', source: 'QUANT_NATIVE_ISA' };
}

/** `threads` or QUANT_THREADS; undefined when neither is set (then: every core the addon reports). */
function resolveThreads(threads: unknown): number | undefined {
  return threads !== undefined ? parseThreadsSetting(threads, 'threads') : parseThreadsSetting(process.env['QUANT_THREADS'], 'QUANT_THREADS', true);
}

/**
 * QUANT_HUGE_PAGES, read by the addon itself (binding/output_memory.cc): unset, empty or '1' asks for transparent huge
 * pages for large outputs, '0' does not. Anything else is a configuration error, loud like the other settings.
 */
function checkHugePagesSetting(): void {
  const v = process.env['QUANT_HUGE_PAGES'];
  if (v !== undefined && v !== '' && v !== '0' && v !== '1') throw new QuantError(ErrorCodes.OPTION, `QUANT_HUGE_PAGES must be 0 or 1, got ${describeValue(v)}`);
}

function createEngine(loaded: LoadedAddon, isa: { value: string; source: string }, threads: number): NativeEngine {
  try {
    return loaded.addon.createEngine(isa.value, threads);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = (error as Error).message;
    if (code === NativeErrorCodes.ISA) throw new QuantError(code, `${isa.source} ${JSON.stringify(isa.value)}: ${message}`, { cause: error });
    if (code === NativeErrorCodes.THREADS) throw new QuantError(code, message, { cause: error });
    throw error;
  }
}

/**
 * Runs one async kernel: rejects at once if the signal is already aborted, turns an abort into a set cancel flag the
 * C++ worker sees between chunks, and rejects with AbortError whenever the signal was aborted before the call settled
 * (even if the last chunk had already finished).
 */
async function runAsync(options: AsyncOptions | undefined, start: (cancel: Int32Array | undefined) => Promise<void>): Promise<void> {
  const signal: AbortSignalLike | undefined = options?.signal;
  if (signal === undefined) return start(undefined);
  throwIfAborted(signal);
  const cancel = new Int32Array(1);
  const onAbort = (): void => {
    Atomics.store(cancel, 0, 1);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await start(cancel);
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) throw new AbortError({ cause: signal.reason });
}

/**
 * A Backend on quant_native.node. Arguments are validated by @quantkit/quant-core (createQuantApi / createKernelApi)
 * before they get here; the addon checks again, in C++, whatever decides which memory it touches. Every kernel, sync
 * and async, is generated from the kernel table (generated/binding.ts).
 */
export function createNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  // Configuration first: a malformed QUANT_NATIVE_ISA / QUANT_THREADS / QUANT_HUGE_PAGES is an error even where the
  // addon is missing.
  const isa = resolveIsa(options.isa);
  const requestedThreads = resolveThreads(options.threads);
  checkHugePagesSetting();
  const loaded = options.addon ?? nativeAddon();
  const threads = requestedThreads ?? Math.min(Math.max(1, loaded.addon.hardwareConcurrency), MAX_THREADS);
  const engine = createEngine(loaded, isa, threads);
  const slots = slotIndicesOf(loaded.addon);
  const size = loaded.addon.descriptorSlots.length;
  // One descriptor for the sync kernels (JavaScript is single-threaded); every async call gets its own.
  const kernels = syncKernels(engine, new Float64Array(size), slots);
  const asyncs = asyncKernels(engine, size, slots, runAsync);

  return Object.freeze({
    name: 'native',
    isa: engine.isa,
    version: loaded.addon.version,
    abiVersion: loaded.addon.abiVersion,
    path: loaded.path,
    threads: engine.threads,
    capabilities: CAPABILITIES,
    ...kernels,
    ...asyncs,
  } satisfies NativeBackend);
}
