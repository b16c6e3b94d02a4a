import {
  AbortError,
  quantizationError,
  throwIfAborted,
  type AbortSignalLike,
  type AsyncBackend,
  type AsyncOptions,
  type Backend,
  type FloatArray,
  type IntArray,
  type MinMax,
} from '@quantkit/quant-core';
import { ROUTING_THRESHOLDS, type RoutingOperation, type RoutingThresholds } from './routing.js';

/**
 * Async kernels for backends that have none (the reference, or an injected Backend without *Async methods).
 *
 * Choice: per-tensor kernels (quantize, dequantize, fake-quantize, minMax, absMax, pack, unpack) run in slices of
 * ASYNC_SLICE elements with one turn of the event loop (setImmediate) between slices, and the signal is checked at
 * every slice, so a large call neither blocks other work for its whole duration nor ignores an abort. Per-axis and
 * blocked kernels run whole, after one turn. Results are the synchronous kernels' own, bit for bit: the per-tensor
 * kernels are element-wise, min / max / |max| combine exactly, and fake-quantize's metrics are recomputed over the
 * whole tensor in element order (quantizationError), as the reference computes them.
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

/** An AsyncBackend running a synchronous Backend's kernels as described above. */
export function slicedAsyncBackend(b: Backend): AsyncBackend {
  return Object.freeze({
    name: b.name,
    capabilities: b.capabilities,
    quantizeTensorAsync: (x, scale, zp, spec, out, o) => sliced(x.length, o, (s, e) => b.quantizeTensor(x.subarray(s, e), scale, zp, spec, out.subarray(s, e) as IntArray)),
    quantizeAxisAsync: (x, scales, zps, layout, spec, out, o) => whole(o, () => b.quantizeAxis(x, scales, zps, layout, spec, out)),
    quantizeBlockedAsync: (x, scales, zps, layout, spec, out, o) => whole(o, () => b.quantizeBlocked(x, scales, zps, layout, spec, out)),
    dequantizeTensorAsync: (q, scale, zp, out, o) => sliced(q.length, o, (s, e) => b.dequantizeTensor(q.subarray(s, e) as IntArray, scale, zp, out.subarray(s, e) as FloatArray)),
    dequantizeAxisAsync: (q, scales, zps, layout, out, o) => whole(o, () => b.dequantizeAxis(q, scales, zps, layout, out)),
    dequantizeBlockedAsync: (q, scales, zps, layout, out, o) => whole(o, () => b.dequantizeBlocked(q, scales, zps, layout, out)),
    async fakeQuantizeTensorAsync(x, scale, zp, spec, out, o) {
      await sliced(x.length, o, (s, e) => b.fakeQuantizeTensor(x.subarray(s, e), scale, zp, spec, out.subarray(s, e) as FloatArray));
      return quantizationError(x, out);
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
    minMaxAxisAsync: (x, layout, outMin, outMax, o) => whole(o, () => b.minMaxAxis(x, layout, outMin, outMax)),
    minMaxBlockedAsync: (x, layout, outMin, outMax, o) => whole(o, () => b.minMaxBlocked(x, layout, outMin, outMax)),
    // ASYNC_SLICE is a multiple of 8, so every slice but the last starts and ends on a byte boundary.
    packAsync: (q, bits, out, o) => sliced(q.length, o, (s, e) => b.pack(q.subarray(s, e), bits, out.subarray((s * bits) / 8, Math.ceil((e * bits) / 8)))),
    unpackAsync: (packed, bits, signed, out, o) =>
      sliced(out.length, o, (s, e) => b.unpack(packed.subarray((s * bits) / 8, Math.ceil((e * bits) / 8)), bits, signed, out.subarray(s, e))),
  } satisfies AsyncBackend);
}

/** A synchronous kernel run as a settled Promise (for calls too small to be worth a thread hop). */
async function now<T>(o: AsyncOptions | undefined, run: () => T): Promise<T> {
  throwIfAborted(o?.signal);
  return run();
}

/**
 * Async routing, with the same thresholds as the synchronous routing: small calls run on `small` at once, larger
 * ones go to `fast` (the native backend's async kernels, which run off the JavaScript thread).
 */
export function routedAsyncBackend(fast: AsyncBackend, small: Backend, thresholds: RoutingThresholds = ROUTING_THRESHOLDS): AsyncBackend {
  const below = (op: RoutingOperation, n: number) => n < thresholds[op];
  return Object.freeze({
    name: fast.name,
    capabilities: small.capabilities,
    quantizeTensorAsync: (x, scale, zp, spec, out, o) =>
      below('quantize', x.length) ? now(o, () => small.quantizeTensor(x, scale, zp, spec, out)) : fast.quantizeTensorAsync(x, scale, zp, spec, out, o),
    quantizeAxisAsync: (x, scales, zps, layout, spec, out, o) =>
      below('quantize', x.length) ? now(o, () => small.quantizeAxis(x, scales, zps, layout, spec, out)) : fast.quantizeAxisAsync(x, scales, zps, layout, spec, out, o),
    quantizeBlockedAsync: (x, scales, zps, layout, spec, out, o) =>
      below('quantize', x.length) ? now(o, () => small.quantizeBlocked(x, scales, zps, layout, spec, out)) : fast.quantizeBlockedAsync(x, scales, zps, layout, spec, out, o),
    dequantizeTensorAsync: (q, scale, zp, out, o) =>
      below('dequantize', q.length) ? now(o, () => small.dequantizeTensor(q, scale, zp, out)) : fast.dequantizeTensorAsync(q, scale, zp, out, o),
    dequantizeAxisAsync: (q, scales, zps, layout, out, o) =>
      below('dequantize', q.length) ? now(o, () => small.dequantizeAxis(q, scales, zps, layout, out)) : fast.dequantizeAxisAsync(q, scales, zps, layout, out, o),
    dequantizeBlockedAsync: (q, scales, zps, layout, out, o) =>
      below('dequantize', q.length) ? now(o, () => small.dequantizeBlocked(q, scales, zps, layout, out)) : fast.dequantizeBlockedAsync(q, scales, zps, layout, out, o),
    fakeQuantizeTensorAsync: (x, scale, zp, spec, out, o) =>
      below('fakeQuantize', x.length) ? now(o, () => small.fakeQuantizeTensor(x, scale, zp, spec, out)) : fast.fakeQuantizeTensorAsync(x, scale, zp, spec, out, o),
    minMaxAsync: (x, o) => (below('minMax', x.length) ? now(o, () => small.minMax(x)) : fast.minMaxAsync(x, o)),
    absMaxAsync: (x, o) => (below('absMax', x.length) ? now(o, () => small.absMax(x)) : fast.absMaxAsync(x, o)),
    minMaxAxisAsync: (x, layout, outMin, outMax, o) =>
      below('minMax', x.length) ? now(o, () => small.minMaxAxis(x, layout, outMin, outMax)) : fast.minMaxAxisAsync(x, layout, outMin, outMax, o),
    minMaxBlockedAsync: (x, layout, outMin, outMax, o) =>
      below('minMax', x.length) ? now(o, () => small.minMaxBlocked(x, layout, outMin, outMax)) : fast.minMaxBlockedAsync(x, layout, outMin, outMax, o),
    packAsync: (q, bits, out, o) => (below('pack', q.length) ? now(o, () => small.pack(q, bits, out)) : fast.packAsync(q, bits, out, o)),
    unpackAsync: (packed, bits, signed, out, o) =>
      below('unpack', out.length) ? now(o, () => small.unpack(packed, bits, signed, out)) : fast.unpackAsync(packed, bits, signed, out, o),
  } satisfies AsyncBackend);
}

const ASYNC_METHODS = [
  'quantizeTensorAsync',
  'quantizeAxisAsync',
  'quantizeBlockedAsync',
  'dequantizeTensorAsync',
  'dequantizeAxisAsync',
  'dequantizeBlockedAsync',
  'fakeQuantizeTensorAsync',
  'minMaxAsync',
  'absMaxAsync',
  'minMaxAxisAsync',
  'minMaxBlockedAsync',
  'packAsync',
  'unpackAsync',
] as const;

/** Whether a backend object also implements every AsyncBackend kernel. */
export function hasAsyncKernels(b: object): b is AsyncBackend {
  return ASYNC_METHODS.every((m) => typeof (b as Record<string, unknown>)[m] === 'function');
}
