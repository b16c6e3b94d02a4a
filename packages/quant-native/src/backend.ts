import { AbortError, QuantError, errorReportOf, throwIfAborted } from '@quantkit/quant-core';
import type { AbortSignalLike, AsyncBackend, AsyncOptions, Backend, BackendCapabilities, FloatArray, HistogramCounts, KernelSpec, QuantizationErrorReport } from '@quantkit/quant-core';
import type { NativeEngine, ProfileCode } from './addon.js';
import { NativeErrorCodes } from './errors.js';
import { nativeAddon, type LoadedAddon } from './loader.js';

export type NativeIsa = 'auto' | 'avx2' | 'scalar';

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
  /** 'avx2' or 'scalar': what `isa` resolved to. */
  readonly isa: 'avx2' | 'scalar';
  readonly abiVersion: number;
  /** The file the addon was loaded from. */
  readonly path: string;
  /** histogram / absHistogram off the JavaScript thread (counts are complete once the promise resolves). */
  histogramAsync(x: FloatArray, min: number, max: number, counts: HistogramCounts, options?: AsyncOptions): Promise<void>;
  absHistogramAsync(x: FloatArray, min: number, max: number, counts: HistogramCounts, options?: AsyncOptions): Promise<void>;
}

const ISAS: readonly NativeIsa[] = ['auto', 'avx2', 'scalar'];
const MAX_THREADS = 256;

const CAPABILITIES: BackendCapabilities = Object.freeze({
  float64: true,
  profiles: Object.freeze(['onnx', 'pytorch'] as const),
  perAxis: true,
  blocked: true,
  bits: Object.freeze([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
  packedBits: Object.freeze([2, 4] as const),
  fakeQuantize: true,
  histogram: true,
});

function resolveIsa(isa: unknown): NativeIsa {
  const fromEnv = isa === undefined;
  const value = fromEnv ? process.env['QUANT_NATIVE_ISA'] || 'auto' : isa;
  if (!ISAS.includes(value as NativeIsa)) {
    const source = fromEnv ? 'QUANT_NATIVE_ISA' : 'isa';
    throw new QuantError(NativeErrorCodes.ISA, `${source} must be 'auto', 'avx2' or 'scalar', got ${JSON.stringify(value)}`);
  }
  return value as NativeIsa;
}

function resolveThreads(threads: unknown, available: number): number {
  let value: unknown = threads;
  let source = 'threads';
  if (threads === undefined) {
    const env = process.env['QUANT_THREADS'];
    if (env === undefined || env === '') return Math.min(Math.max(1, available), MAX_THREADS);
    value = /^\d+$/.test(env) ? Number(env) : env;
    source = 'QUANT_THREADS';
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new QuantError(NativeErrorCodes.THREADS, `${source} must be an integer in 1..${MAX_THREADS}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function createEngine(loaded: LoadedAddon, isa: NativeIsa, threads: number): NativeEngine {
  try {
    return loaded.addon.createEngine(isa, threads);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === NativeErrorCodes.ISA || code === NativeErrorCodes.THREADS) throw new QuantError(code, (error as Error).message, { cause: error });
    throw error;
  }
}

const profileCode = (spec: KernelSpec): ProfileCode => (spec.profile === 'pytorch' ? 1 : 0);

function reportOf(s: Float64Array, n: number): QuantizationErrorReport {
  return errorReportOf({ sumSq: s[0]!, sumAbs: s[1]!, maxAbs: s[2]!, sumRef2: s[3]!, sumApprox2: s[4]!, dot: s[5]! }, n);
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
 * before they get here; the addon checks again, in C++, whatever decides which memory it touches.
 */
export function createNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  const loaded = options.addon ?? nativeAddon();
  const isa = resolveIsa(options.isa);
  const threads = resolveThreads(options.threads, loaded.addon.hardwareConcurrency);
  const e = createEngine(loaded, isa, threads);
  // Scratch results of the sync kernels: JavaScript is single-threaded, so one per backend is enough.
  const pair = new Float64Array(2);
  const single = new Float64Array(1);
  const sums = new Float64Array(6);

  return Object.freeze({
    name: 'native',
    isa: e.isa,
    version: loaded.addon.version,
    abiVersion: loaded.addon.abiVersion,
    path: loaded.path,
    threads: e.threads,
    capabilities: CAPABILITIES,

    quantizeTensor(x, scale, zeroPoint, spec, out) {
      e.quantizeTensor(x, scale, zeroPoint, spec.qmin, spec.qmax, profileCode(spec), out);
    },
    quantizeAxis(x, scales, zeroPoints, l, spec, out) {
      e.quantizeAxis(x, scales, zeroPoints, l.outer, l.channels, l.inner, spec.qmin, spec.qmax, profileCode(spec), out);
    },
    quantizeBlocked(x, scales, zeroPoints, l, spec, out) {
      e.quantizeBlocked(x, scales, zeroPoints, l.outer, l.dim, l.inner, l.blockSize, spec.qmin, spec.qmax, profileCode(spec), out);
    },
    dequantizeTensor(q, scale, zeroPoint, out) {
      e.dequantizeTensor(q, scale, zeroPoint, out);
    },
    dequantizeAxis(q, scales, zeroPoints, l, out) {
      e.dequantizeAxis(q, scales, zeroPoints, l.outer, l.channels, l.inner, out);
    },
    dequantizeBlocked(q, scales, zeroPoints, l, out) {
      e.dequantizeBlocked(q, scales, zeroPoints, l.outer, l.dim, l.inner, l.blockSize, out);
    },
    fakeQuantizeTensor(x, scale, zeroPoint, spec, out) {
      e.fakeQuantizeTensor(x, scale, zeroPoint, spec.qmin, spec.qmax, profileCode(spec), out, sums);
      return reportOf(sums, x.length);
    },
    minMax(x) {
      e.minMax(x, pair);
      return { min: pair[0]!, max: pair[1]! };
    },
    absMax(x) {
      e.absMax(x, single);
      return single[0]!;
    },
    minMaxAxis(x, l, outMin, outMax) {
      e.minMaxAxis(x, l.outer, l.channels, l.inner, outMin, outMax);
    },
    minMaxBlocked(x, l, outMin, outMax) {
      e.minMaxBlocked(x, l.outer, l.dim, l.inner, l.blockSize, outMin, outMax);
    },
    pack(q, bits, out) {
      e.pack(q, bits, out);
    },
    unpack(packed, bits, signed, out) {
      e.unpack(packed, bits, signed, out);
    },
    histogram(x, min, max, counts) {
      e.histogram(x, min, max, counts);
    },
    absHistogram(x, min, max, counts) {
      e.absHistogram(x, min, max, counts);
    },

    quantizeTensorAsync(x, scale, zeroPoint, spec, out, o) {
      return runAsync(o, (c) => e.quantizeTensorAsync(x, scale, zeroPoint, spec.qmin, spec.qmax, profileCode(spec), out, c));
    },
    quantizeAxisAsync(x, scales, zeroPoints, l, spec, out, o) {
      return runAsync(o, (c) => e.quantizeAxisAsync(x, scales, zeroPoints, l.outer, l.channels, l.inner, spec.qmin, spec.qmax, profileCode(spec), out, c));
    },
    quantizeBlockedAsync(x, scales, zeroPoints, l, spec, out, o) {
      return runAsync(o, (c) => e.quantizeBlockedAsync(x, scales, zeroPoints, l.outer, l.dim, l.inner, l.blockSize, spec.qmin, spec.qmax, profileCode(spec), out, c));
    },
    dequantizeTensorAsync(q, scale, zeroPoint, out, o) {
      return runAsync(o, (c) => e.dequantizeTensorAsync(q, scale, zeroPoint, out, c));
    },
    dequantizeAxisAsync(q, scales, zeroPoints, l, out, o) {
      return runAsync(o, (c) => e.dequantizeAxisAsync(q, scales, zeroPoints, l.outer, l.channels, l.inner, out, c));
    },
    dequantizeBlockedAsync(q, scales, zeroPoints, l, out, o) {
      return runAsync(o, (c) => e.dequantizeBlockedAsync(q, scales, zeroPoints, l.outer, l.dim, l.inner, l.blockSize, out, c));
    },
    async fakeQuantizeTensorAsync(x, scale, zeroPoint, spec, out, o) {
      const s = new Float64Array(6);
      await runAsync(o, (c) => e.fakeQuantizeTensorAsync(x, scale, zeroPoint, spec.qmin, spec.qmax, profileCode(spec), out, s, c));
      return reportOf(s, x.length);
    },
    async minMaxAsync(x, o) {
      const r = new Float64Array(2);
      await runAsync(o, (c) => e.minMaxAsync(x, r, c));
      return { min: r[0]!, max: r[1]! };
    },
    async absMaxAsync(x, o) {
      const r = new Float64Array(1);
      await runAsync(o, (c) => e.absMaxAsync(x, r, c));
      return r[0]!;
    },
    minMaxAxisAsync(x, l, outMin, outMax, o) {
      return runAsync(o, (c) => e.minMaxAxisAsync(x, l.outer, l.channels, l.inner, outMin, outMax, c));
    },
    minMaxBlockedAsync(x, l, outMin, outMax, o) {
      return runAsync(o, (c) => e.minMaxBlockedAsync(x, l.outer, l.dim, l.inner, l.blockSize, outMin, outMax, c));
    },
    packAsync(q, bits, out, o) {
      return runAsync(o, (c) => e.packAsync(q, bits, out, c));
    },
    unpackAsync(packed, bits, signed, out, o) {
      return runAsync(o, (c) => e.unpackAsync(packed, bits, signed, out, c));
    },
    histogramAsync(x, min, max, counts, o) {
      return runAsync(o, (c) => e.histogramAsync(x, min, max, counts, c));
    },
    absHistogramAsync(x, min, max, counts, o) {
      return runAsync(o, (c) => e.absHistogramAsync(x, min, max, counts, c));
    },
  } satisfies NativeBackend);
}
