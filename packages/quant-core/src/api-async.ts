import { needsDataRange, outputsOf, plan, planDequantize, quantizedTensorOf, resolveParams, allocateFloat, inputOf, splitValuesOutput, valuesOutput } from './api.js';
import type { GroupRanges, Plan, QuantizeOptions, QuantParams } from './api.js';
import type { BackendCapabilities } from './backend.js';
import type { ResolvedGranularity } from './layout.js';
import { allocateOrLimit } from './limits.js';
import { calibrateGroupsAsync, calibratesRange } from './calibrate/calibrate-async.js';
import type { SearchRequest, SearchResult } from './calibrate/search.js';
import { allocateCodes } from './storage.js';
import { KERNEL_NAMES, type KernelArgs, type KernelName, type KernelResult } from './kernel-table.js';
import { checkOptionKeys, OPTION_SCHEMAS, optionsObject } from './options.js';
import type { FloatArray, HalfDType, IntArray, QuantInput, QuantizedTensor } from './types.js';
import { checkFixedLength, checkStillAttached } from './views.js';
import { attached } from './attached.js';
import { checkSignal, throwIfAborted, type AbortSignalLike, type AsyncOptions } from './abort.js';
import { createGgmlAsyncApi, type GgmlAsyncApi } from './ggml/api-async.js';

export { AbortError, checkSignal, throwIfAborted, type AbortSignalLike, type AsyncOptions } from './abort.js';

/** The async twin of a kernel: the same arguments plus options, the same result as a Promise. */
export type AsyncKernel<K extends KernelName> = (...args: [...KernelArgs<K>, options?: AsyncOptions]) => Promise<KernelResult<K>>;

/** The name of a kernel's async twin. */
export type AsyncKernelName<K extends KernelName = KernelName> = `${K}Async`;

export const asyncNameOf = <K extends KernelName>(name: K): AsyncKernelName<K> => `${name}Async`;

/** Every kernel of the kernel table (kernel-table.ts) as its async twin. */
export type AsyncKernels = { readonly [K in KernelName as AsyncKernelName<K>]: AsyncKernel<K> };

/**
 * The kernels of a backend that can run off the JavaScript thread: the Backend kernels with an optional signal,
 * returning Promises. Arguments are validated by the caller, as for Backend; outputs are written when the Promise
 * resolves and must not be read or written before.
 */
export interface AsyncBackend extends AsyncKernels {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /**
   * Optional: runs a long calibration search off the JavaScript thread (the adapter's worker thread), resolving with
   * runSearch(search)'s result, or with undefined when it cannot take the search (no worker); it rejects with
   * AbortError as soon as the signal aborts. Searches it does not take run on this thread, in chunks between which
   * the event loop turns.
   */
  readonly searchAsync?: (search: SearchRequest, options?: AsyncOptions) => Promise<SearchResult | undefined>;
}

/** Whether an object implements the async twin of every kernel. */
export function hasAsyncKernels(b: object): b is AsyncBackend {
  return KERNEL_NAMES.every((name) => typeof (b as Record<string, unknown>)[asyncNameOf(name)] === 'function');
}

export interface QuantizeAsyncOptions extends QuantizeOptions, AsyncOptions {}

export interface DequantizeAsyncOptions extends AsyncOptions {
  /**
   * Where to write the values: a Float32Array / Float64Array, or a Uint16Array (half-precision bits of `dtype`, or of
   * the tensor's own half type) or Float16Array. Default: a new array of `dtype`, else Float32Array for float32 and
   * half tensors and Float64Array for float64 ones (as dequantize).
   */
  readonly out?: FloatArray | Uint16Array;
  readonly dtype?: 'float32' | 'float64' | HalfDType;
}

export interface AsyncQuantApi extends GgmlAsyncApi {
  quantizeAsync(x: QuantInput, options?: QuantizeAsyncOptions): Promise<QuantizedTensor>;
  dequantizeAsync(qt: QuantizedTensor, options?: DequantizeAsyncOptions & { readonly dtype?: 'float32' | 'float64'; readonly out?: FloatArray }): Promise<FloatArray>;
  dequantizeAsync(qt: QuantizedTensor, options: DequantizeAsyncOptions & ({ readonly dtype: HalfDType } | { readonly out: Uint16Array })): Promise<Uint16Array>;
  dequantizeAsync(qt: QuantizedTensor, options?: DequantizeAsyncOptions): Promise<FloatArray | Uint16Array>;
  fakeQuantizeAsync(x: FloatArray, options?: QuantizeAsyncOptions): Promise<FloatArray>;
  fakeQuantizeAsync(x: Uint16Array, options: QuantizeAsyncOptions): Promise<Uint16Array>;
}

/**
 * The async twins of quantize, dequantize and fakeQuantize, bound to an AsyncBackend. Validation and parameter choice
 * are the synchronous API's own (api.ts); every pass over the data (the min/max of parameter selection included) is
 * a backend call, so with a backend that runs its kernels on other threads the JavaScript thread only validates and
 * allocates; calibrators (range: { method }) also run some passes here in slices and their long searches on
 * searchAsync (calibrate/run-async.ts). Results are identical to the synchronous API's on the same backend.
 *
 * Memory rules, the same for every backend (SPEC §8): the arrays a call reads and writes while it runs (x or the
 * tensor's data, and the output) may not be views of resizable or growable buffers (ERR_QUANT_INPUT_TYPE for an
 * input, ERR_QUANT_OUTPUT for an output), and a call during which one of them is detached rejects with
 * ERR_QUANT_DETACHED once the backend has finished with it (an abort takes precedence).
 */
export function createAsyncQuantApi(backend: AsyncBackend): AsyncQuantApi {
  async function measureRanges(p: Plan, call: string, signal: AbortSignalLike | undefined): Promise<GroupRanges> {
    const min = allocateOrLimit(p.granularity.groups, (n) => new Float64Array(n));
    const max = allocateOrLimit(p.granularity.groups, (n) => new Float64Array(n));
    const g = p.granularity;
    const bits = p.bits;
    await attached([inputOf(p)], call, signal, async () => {
      if (bits !== undefined) {
        const h = p.half!;
        if (g.kind === 'tensor') {
          const r = await backend.minMaxHalfAsync(bits, h, { signal });
          min[0] = r.min;
          max[0] = r.max;
        } else if (g.kind === 'axis') await backend.minMaxAxisHalfAsync(bits, h, g.layout, min, max, { signal });
        else await backend.minMaxBlockedHalfAsync(bits, h, g.layout, min, max, { signal });
      } else if (g.kind === 'tensor') {
        const r = await backend.minMaxAsync(p.x, { signal });
        min[0] = r.min;
        max[0] = r.max;
      } else if (g.kind === 'axis') await backend.minMaxAxisAsync(p.x, g.layout, min, max, { signal });
      else await backend.minMaxBlockedAsync(p.x, g.layout, min, max, { signal });
    });
    return { min, max };
  }

  async function resolve(p: Plan, options: QuantizeOptions, call: string, signal: AbortSignalLike | undefined): Promise<QuantParams> {
    if (calibratesRange(options)) {
      // Calibrators run in chunks and off-thread searches (calibrate/run-async.ts), stopping at the first checkpoint
      // after an abort or a detach; the ranges are the synchronous calibrateGroups's, bit for bit.
      const checkpoint = (): void => {
        throwIfAborted(signal);
        checkStillAttached([p.bits ?? p.x], call); // p.x of a half plan would widen it
      };
      const ranges = await calibrateGroupsAsync(p, options.range, { backend, signal, checkpoint }, () => measureRanges(p, call, signal));
      return resolveParams(p, { ...options, range: undefined }, () => ranges);
    }
    const measured = needsDataRange(options) ? await measureRanges(p, call, signal) : undefined;
    return resolveParams(p, options, () => {
      if (measured === undefined) throw new Error('quantkit internal error: needsDataRange disagrees with resolveParams');
      return measured;
    });
  }

  function quantizeCodes(p: Plan, q: QuantParams, out: IntArray, signal: AbortSignalLike | undefined): Promise<void> {
    const g = p.granularity;
    if (p.bits !== undefined) {
      const h = p.half!;
      if (g.kind === 'tensor') return backend.quantizeTensorHalfAsync(p.bits, h, q.scale as number, q.zeroPoint as number, p.kernel, out, { signal });
      if (g.kind === 'axis') return backend.quantizeAxisHalfAsync(p.bits, h, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out, { signal });
      return backend.quantizeBlockedHalfAsync(p.bits, h, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out, { signal });
    }
    if (g.kind === 'tensor') return backend.quantizeTensorAsync(p.x, q.scale as number, q.zeroPoint as number, p.kernel, out, { signal });
    if (g.kind === 'axis') return backend.quantizeAxisAsync(p.x, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out, { signal });
    return backend.quantizeBlockedAsync(p.x, q.scale as FloatArray, q.zeroPoint as Int32Array, g.layout, p.kernel, out, { signal });
  }

  function dequantizeCodes(
    g: ResolvedGranularity,
    codes: IntArray,
    scale: number | FloatArray,
    zeroPoint: number | Int32Array,
    out: FloatArray,
    signal: AbortSignalLike | undefined,
  ): Promise<void> {
    if (g.kind === 'tensor') return backend.dequantizeTensorAsync(codes, scale as number, zeroPoint as number, out, { signal });
    if (g.kind === 'axis') return backend.dequantizeAxisAsync(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, out, { signal });
    return backend.dequantizeBlockedAsync(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, out, { signal });
  }

  /** dequantizeCodes into half-precision bits of `dtype` (the exact products rounded once). */
  function dequantizeCodesHalf(
    g: ResolvedGranularity,
    codes: IntArray,
    scale: number | FloatArray,
    zeroPoint: number | Int32Array,
    dtype: HalfDType,
    out: Uint16Array,
    signal: AbortSignalLike | undefined,
  ): Promise<void> {
    if (g.kind === 'tensor') return backend.dequantizeTensorHalfAsync(codes, scale as number, zeroPoint as number, dtype, out, { signal });
    if (g.kind === 'axis') return backend.dequantizeAxisHalfAsync(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, dtype, out, { signal });
    return backend.dequantizeBlockedHalfAsync(codes, scale as FloatArray, zeroPoint as Int32Array, g.layout, dtype, out, { signal });
  }

  /** The plan of quantizeAsync / fakeQuantizeAsync: the synchronous checks, the signal, and the async memory rule. */
  function planAsync(x: unknown, options: QuantizeAsyncOptions | undefined, call: string): { p: Plan; signal: AbortSignalLike | undefined } {
    const o = optionsObject(options, call);
    const signal = checkSignal(o.signal);
    throwIfAborted(signal);
    const p = plan(x, options, backend, call, OPTION_SCHEMAS.quantizeAsync);
    checkFixedLength(inputOf(p), 'x', 'input');
    if (p.out !== undefined) checkFixedLength(p.out, 'out', 'output');
    return { p, signal };
  }

  async function quantizeAsync(x: QuantInput, options?: QuantizeAsyncOptions): Promise<QuantizedTensor> {
    const { p, signal } = planAsync(x, options, 'quantizeAsync');
    const q = await resolve(p, options ?? {}, 'quantizeAsync', signal);
    const { codes, data } = outputsOf(p);
    const arrays = [inputOf(p), codes, data];
    await attached(arrays, 'quantizeAsync', signal, () => quantizeCodes(p, q, codes, signal));
    if (data !== undefined) await attached(arrays, 'quantizeAsync', signal, () => backend.packAsync(codes as Int8Array | Uint8Array, p.storage.bits as 2 | 4, data as Uint8Array, { signal }));
    return quantizedTensorOf(p, q, data ?? codes);
  }

  async function dequantizeAsync(qt: QuantizedTensor, options?: DequantizeAsyncOptions): Promise<FloatArray | Uint16Array> {
    const o = optionsObject(options, 'dequantizeAsync');
    checkOptionKeys(o, OPTION_SCHEMAS.dequantizeAsync);
    const signal = checkSignal(o.signal);
    throwIfAborted(signal);
    const d = planDequantize(qt, o.dtype === undefined ? o.out : { out: o.out, dtype: o.dtype });
    const input = d.packed ?? d.codes;
    checkFixedLength(input, 'data', 'input');
    const written = d.half !== undefined ? d.half.bits : d.out;
    if (o.out !== undefined) checkFixedLength(written, 'out', 'output');
    const arrays = [input, d.codes, written];
    if (d.packed) await attached(arrays, 'dequantizeAsync', signal, () => backend.unpackAsync(d.packed!, d.storage.bits as 2 | 4, d.storage.signed, d.codes as Int8Array | Uint8Array, { signal }));
    if (d.half !== undefined) {
      const h = d.half;
      await attached(arrays, 'dequantizeAsync', signal, () => dequantizeCodesHalf(d.granularity, d.codes, d.scale, d.zeroPoint, h.dtype, h.bits, signal));
      return h.result;
    }
    await attached(arrays, 'dequantizeAsync', signal, () => dequantizeCodes(d.granularity, d.codes, d.scale, d.zeroPoint, d.out, signal));
    return d.out;
  }

  async function fakeQuantizeAsync(x: FloatArray | Uint16Array, options?: QuantizeAsyncOptions): Promise<FloatArray | Uint16Array> {
    const split = splitValuesOutput(options);
    const { p, signal } = planAsync(x, split.options, 'fakeQuantizeAsync');
    const out = valuesOutput(split.out, p);
    if (out !== undefined) checkFixedLength(out, 'out', 'output');
    const q = await resolve(p, split.options ?? {}, 'fakeQuantizeAsync', signal);
    const input = inputOf(p);
    const arrays = [input, out];
    const codes = allocateCodes(p.storage, p.length);
    await attached(arrays, 'fakeQuantizeAsync', signal, () => quantizeCodes(p, q, codes, signal));
    if (p.half !== undefined) {
      // The values dequantize would give in the half type, as the synchronous fakeQuantize returns them.
      const bits = (out as Uint16Array | undefined) ?? allocateOrLimit(p.length, (n) => new Uint16Array(n));
      const h = p.half;
      await attached(arrays, 'fakeQuantizeAsync', signal, () => dequantizeCodesHalf(p.granularity, codes, q.scale, q.zeroPoint, h, bits, signal));
      return bits;
    }
    const values = (out as FloatArray | undefined) ?? allocateFloat(p.dtype, p.length);
    await attached(arrays, 'fakeQuantizeAsync', signal, () => dequantizeCodes(p.granularity, codes, q.scale, q.zeroPoint, values, signal));
    return values;
  }

  return { quantizeAsync, dequantizeAsync, fakeQuantizeAsync, ...createGgmlAsyncApi(backend) } as AsyncQuantApi;
}
