import { needsDataRange, outputsOf, plan, rejectOutput, planDequantize, quantizedTensorOf, resolveParams, allocateFloat } from './api.js';
import type { GroupRanges, Plan, QuantizeOptions, QuantParams } from './api.js';
import type { BackendCapabilities } from './backend.js';
import type { ResolvedGranularity } from './layout.js';
import { allocateCodes } from './storage.js';
import { KERNEL_NAMES, type KernelArgs, type KernelName, type KernelResult } from './kernel-table.js';
import type { FloatArray, IntArray, QuantizedTensor } from './types.js';

/** The part of the DOM/Node.js AbortSignal that quantkit uses (core has no Node.js or DOM types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface AsyncOptions {
  /** Aborting rejects the call with an AbortError; the work stops at the next chunk boundary. */
  readonly signal?: AbortSignalLike;
}

/** What an aborted async call rejects with: `name` 'AbortError' and `code` 'ABORT_ERR' (as Node.js's own), `cause` = signal.reason. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(options?: { cause?: unknown }) {
    super('The operation was aborted', options);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AbortError({ cause: signal.reason });
}

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
}

/** Whether an object implements the async twin of every kernel. */
export function hasAsyncKernels(b: object): b is AsyncBackend {
  return KERNEL_NAMES.every((name) => typeof (b as Record<string, unknown>)[asyncNameOf(name)] === 'function');
}

export interface QuantizeAsyncOptions extends QuantizeOptions, AsyncOptions {}

export interface DequantizeAsyncOptions extends AsyncOptions {
  /** Where to write the values (default: a new array of the tensor's dtype). */
  readonly out?: FloatArray;
}

export interface AsyncQuantApi {
  quantizeAsync(x: FloatArray, options?: QuantizeAsyncOptions): Promise<QuantizedTensor>;
  dequantizeAsync(qt: QuantizedTensor, options?: DequantizeAsyncOptions): Promise<FloatArray>;
  fakeQuantizeAsync(x: FloatArray, options?: QuantizeAsyncOptions): Promise<FloatArray>;
}

/**
 * The async twins of quantize, dequantize and fakeQuantize, bound to an AsyncBackend. Validation and parameter choice
 * are the synchronous API's own (api.ts); every pass over the data (the min/max of parameter selection included) is
 * a backend call, so with a backend that runs its kernels on other threads the JavaScript thread only validates and
 * allocates. Results are identical to the synchronous API's on the same backend.
 */
export function createAsyncQuantApi(backend: AsyncBackend): AsyncQuantApi {
  async function measureRanges(p: Plan, signal: AbortSignalLike | undefined): Promise<GroupRanges> {
    const min = new Float64Array(p.granularity.groups);
    const max = new Float64Array(p.granularity.groups);
    const g = p.granularity;
    if (g.kind === 'tensor') {
      const r = await backend.minMaxAsync(p.x, { signal });
      min[0] = r.min;
      max[0] = r.max;
    } else if (g.kind === 'axis') await backend.minMaxAxisAsync(p.x, g.layout, min, max, { signal });
    else await backend.minMaxBlockedAsync(p.x, g.layout, min, max, { signal });
    return { min, max };
  }

  async function resolve(p: Plan, options: QuantizeOptions, signal: AbortSignalLike | undefined): Promise<QuantParams> {
    const measured = needsDataRange(options) ? await measureRanges(p, signal) : undefined;
    return resolveParams(p, options, () => {
      if (measured === undefined) throw new Error('quantkit internal error: needsDataRange disagrees with resolveParams');
      return measured;
    });
  }

  function quantizeCodes(p: Plan, q: QuantParams, out: IntArray, signal: AbortSignalLike | undefined): Promise<void> {
    const g = p.granularity;
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

  async function quantizeAsync(x: FloatArray, options?: QuantizeAsyncOptions): Promise<QuantizedTensor> {
    const signal = options?.signal;
    throwIfAborted(signal);
    const p = plan(x, options, backend);
    const q = await resolve(p, options ?? {}, signal);
    const { codes, data } = outputsOf(p);
    await quantizeCodes(p, q, codes, signal);
    if (data !== undefined) await backend.packAsync(codes as Int8Array | Uint8Array, p.storage.bits as 2 | 4, data as Uint8Array, { signal });
    return quantizedTensorOf(p, q, data ?? codes);
  }

  async function dequantizeAsync(qt: QuantizedTensor, options?: DequantizeAsyncOptions): Promise<FloatArray> {
    const signal = options?.signal;
    throwIfAborted(signal);
    const d = planDequantize(qt, options?.out);
    if (d.packed) await backend.unpackAsync(d.packed, d.storage.bits as 2 | 4, d.storage.signed, d.codes as Int8Array | Uint8Array, { signal });
    await dequantizeCodes(d.granularity, d.codes, d.scale, d.zeroPoint, d.out, signal);
    return d.out;
  }

  async function fakeQuantizeAsync(x: FloatArray, options?: QuantizeAsyncOptions): Promise<FloatArray> {
    const signal = options?.signal;
    throwIfAborted(signal);
    rejectOutput(options, 'fakeQuantizeAsync');
    const p = plan(x, options, backend);
    const q = await resolve(p, options ?? {}, signal);
    const codes = allocateCodes(p.storage, x.length);
    await quantizeCodes(p, q, codes, signal);
    const values = allocateFloat(p.dtype, x.length);
    await dequantizeCodes(p.granularity, codes, q.scale, q.zeroPoint, values, signal);
    return values;
  }

  return { quantizeAsync, dequantizeAsync, fakeQuantizeAsync };
}
