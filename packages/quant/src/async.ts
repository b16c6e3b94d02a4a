import {
  AbortError,
  asyncNameOf,
  KERNEL_NAMES,
  KERNEL_TABLE,
  ErrorAccumulator,
  errorReportOf,
  throwIfAborted,
  type AbortSignalLike,
  type AsyncBackend,
  type AsyncKernel,
  type AsyncKernelName,
  type AsyncKernels,
  type AsyncOptions,
  type Backend,
  type FloatArray,
  type IntArray,
  type KernelArgs,
  type KernelName,
  type KernelResult,
  type MinMax,
} from '@quantkit/quant-core';
import { routeOf, ROUTING_THRESHOLDS, type RoutingThresholds } from './routing.js';
import { searchOnWorker } from './search-worker.js';

/**
 * Async kernels for backends that have none (the reference, or an injected Backend without *Async methods).
 *
 * Choice: per-tensor kernels (quantize, dequantize, fake-quantize, minMax, absMax, pack, unpack, histograms) run in slices of
 * ASYNC_SLICE elements with one turn of the event loop (setImmediate) between slices, and the signal is checked at
 * every slice, so a large call neither blocks other work for its whole duration nor ignores an abort. Per-axis and
 * blocked kernels run whole, after one turn. Results are the synchronous kernels' own, bit for bit: the per-tensor
 * kernels are element-wise, min / max / |max| combine exactly, and fake-quantize's metrics are accumulated over the
 * whole tensor slice after slice by one ErrorAccumulator (kernelErrorReport's sums, in the order of SPEC §6), as the
 * reference computes them.
 */
export const ASYNC_SLICE = 1 << 16;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Rejects with AbortError if the signal was aborted before the work settled (the native backend does the same). */
function settled(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AbortError({ cause: signal.reason });
}

async function sliced(n: number, o: AsyncOptions | undefined, step: (start: number, end: number) => void): Promise<void> {
  const signal = o?.signal;
  throwIfAborted(signal);
  let start = 0;
  do {
    const end = Math.min(start + ASYNC_SLICE, n);
    step(start, end);
    start = end;
    if (start < n) {
      await turn();
      throwIfAborted(signal);
    }
  } while (start < n);
  settled(signal);
}

async function whole<T>(o: AsyncOptions | undefined, run: () => T): Promise<T> {
  throwIfAborted(o?.signal);
  await turn();
  throwIfAborted(o?.signal);
  return run();
}

type SlicedKernels = { readonly [K in KernelName as AsyncKernelName<K>]?: AsyncKernel<K> };

/** The kernels that run in slices; every other kernel runs whole, after one turn of the event loop. */
function slicedKernels(b: Backend): SlicedKernels {
  return {
    quantizeTensorAsync: (x, scale, zp, spec, out, o) => sliced(x.length, o, (s, e) => b.quantizeTensor(x.subarray(s, e), scale, zp, spec, out.subarray(s, e) as IntArray)),
    dequantizeTensorAsync: (q, scale, zp, out, o) => sliced(q.length, o, (s, e) => b.dequantizeTensor(q.subarray(s, e) as IntArray, scale, zp, out.subarray(s, e) as FloatArray)),
    fakeQuantizeTensorValuesAsync: (x, scale, zp, spec, out, o) => sliced(x.length, o, (s, e) => b.fakeQuantizeTensorValues(x.subarray(s, e), scale, zp, spec, out.subarray(s, e) as FloatArray)),
    async fakeQuantizeTensorAsync(x, scale, zp, spec, out, o) {
      // The metrics are accumulated slice by slice, pairs in element order into one accumulator (its lanes and blocks
      // count from x[0]): kernelErrorReport(x, out), without a pass over the whole tensor at the end that would hold
      // the thread.
      const acc = new ErrorAccumulator();
      await sliced(x.length, o, (s, e) => {
        b.fakeQuantizeTensor(x.subarray(s, e), scale, zp, spec, out.subarray(s, e) as FloatArray);
        acc.addRange(x, out, s, e);
      });
      return errorReportOf(acc.finish(), x.length);
    },
    async minMaxAsync(x, o): Promise<MinMax> {
      let min = Infinity;
      let max = -Infinity;
      await sliced(x.length, o, (s, e) => {
        const r = b.minMax(x.subarray(s, e));
        if (r.min < min) min = r.min;
        if (r.max > max) max = r.max;
      });
      return { min, max };
    },
    async absMaxAsync(x, o) {
      let m = 0;
      await sliced(x.length, o, (s, e) => {
        m = Math.max(m, b.absMax(x.subarray(s, e)));
      });
      return m;
    },
    // ASYNC_SLICE is a multiple of 8, so every slice but the last starts and ends on a byte boundary.
    packAsync: (q, bits, out, o) => sliced(q.length, o, (s, e) => b.pack(q.subarray(s, e), bits, out.subarray((s * bits) / 8, Math.ceil((e * bits) / 8)))),
    unpackAsync: (packed, bits, signed, out, o) =>
      sliced(out.length, o, (s, e) => b.unpack(packed.subarray((s * bits) / 8, Math.ceil((e * bits) / 8)), bits, signed, out.subarray(s, e))),
    // Counting is additive: slice by slice adds the same +1s in the same order as one call.
    histogramAsync: (x, min, max, counts, o) => sliced(x.length, o, (s, e) => b.histogram(x.subarray(s, e), min, max, counts)),
    absHistogramAsync: (x, min, max, counts, o) => sliced(x.length, o, (s, e) => b.absHistogram(x.subarray(s, e), min, max, counts)),
    histogramHalfAsync: (x, dtype, min, max, counts, o) => sliced(x.length, o, (s, e) => b.histogramHalf(x.subarray(s, e), dtype, min, max, counts)),
    absHistogramHalfAsync: (x, dtype, min, max, counts, o) => sliced(x.length, o, (s, e) => b.absHistogramHalf(x.subarray(s, e), dtype, min, max, counts)),
  };
}

/** Every kernel of `make(name)` under its async name. */
function asyncKernelsOf(make: <K extends KernelName>(name: K) => AsyncKernel<K>): AsyncKernels {
  return Object.fromEntries(KERNEL_NAMES.map((name) => [asyncNameOf(name), make(name)])) as unknown as AsyncKernels;
}

/** An AsyncBackend running a synchronous Backend's kernels as described above, and long calibration searches on a worker thread. */
export function slicedAsyncBackend(b: Backend): AsyncBackend {
  const slicedOnes = slicedKernels(b) as Record<string, unknown>;
  const kernels = asyncKernelsOf(<K extends KernelName>(name: K): AsyncKernel<K> => {
    const own = slicedOnes[asyncNameOf(name)] as AsyncKernel<K> | undefined;
    if (own !== undefined) return own;
    const kernel = b[name] as (...args: KernelArgs<K>) => KernelResult<K>;
    const arity = KERNEL_TABLE[name].params.length;
    return ((...args: unknown[]) => whole(args[arity] as AsyncOptions | undefined, () => kernel.apply(b, args.slice(0, arity) as KernelArgs<K>))) as AsyncKernel<K>;
  });
  return Object.freeze({ name: b.name, capabilities: b.capabilities, ...kernels, searchAsync: searchOnWorker });
}

/** A synchronous kernel run as a settled Promise (for calls too small to be worth a thread hop). */
async function now<T>(o: AsyncOptions | undefined, run: () => T): Promise<T> {
  throwIfAborted(o?.signal);
  return run();
}

/**
 * Async routing, with the same thresholds as the synchronous routing: small calls run on `small` at once, larger
 * ones go to `fast` (the native backend's async kernels, which run off the JavaScript thread). Long calibration
 * searches run on a worker thread (search-worker.ts).
 */
export function routedAsyncBackend(fast: AsyncBackend, small: Backend, thresholds: RoutingThresholds = ROUTING_THRESHOLDS): AsyncBackend {
  const kernels = asyncKernelsOf(<K extends KernelName>(name: K): AsyncKernel<K> => {
    const toFast = routeOf(name, fast.capabilities, thresholds);
    const f = fast[asyncNameOf(name)] as unknown as (...args: unknown[]) => Promise<KernelResult<K>>;
    const s = small[name] as (...args: KernelArgs<K>) => KernelResult<K>;
    const arity = KERNEL_TABLE[name].params.length;
    return ((...args: unknown[]) => {
      const own = args.slice(0, arity) as KernelArgs<K>;
      return toFast(own) ? f.apply(fast, args) : now(args[arity] as AsyncOptions | undefined, () => s.apply(small, own));
    }) as AsyncKernel<K>;
  });
  return Object.freeze({ name: fast.name, capabilities: small.capabilities, ...kernels, searchAsync: fast.searchAsync ?? searchOnWorker });
}
