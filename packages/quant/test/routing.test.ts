import { kernels as referenceKernels, referenceBackend, type Backend, type FloatArray, type KernelSpec } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { routedAsyncBackend, slicedAsyncBackend } from '../src/async.js';
import { createQuantizer, createRoutedBackend, ROUTING_THRESHOLDS, WASM_ROUTING_THRESHOLDS, type RoutingOperation } from '../src/index.js';
import { spyBackend } from './helpers.js';

/*
 * Size-aware routing, on both sides of every threshold: a spy "fast" backend and a spy "small" backend (both the real
 * reference underneath) record which one served each call of n = threshold - 1 and n = threshold elements.
 */

const spec: KernelSpec = { qmin: -128, qmax: 127, profile: 'onnx' };
const f32 = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);

/** One call of each kernel with n elements (valid arguments), and the routing constant it is governed by. */
const CALLS: readonly { kernel: string; op: RoutingOperation; call: (b: Backend, n: number) => unknown }[] = [
  { kernel: 'quantizeTensor', op: 'quantize', call: (b, n) => b.quantizeTensor(f32(n), 0.05, 0, spec, new Int8Array(n)) },
  { kernel: 'quantizeAxis', op: 'quantize', call: (b, n) => b.quantizeAxis(f32(n), Float32Array.of(0.05), Int32Array.of(0), { outer: n, channels: 1, inner: 1 }, spec, new Int8Array(n)) },
  {
    kernel: 'quantizeBlocked',
    op: 'quantize',
    call: (b, n) => b.quantizeBlocked(f32(n), Float32Array.of(0.05), Int32Array.of(0), { outer: 1, dim: n, inner: 1, blockSize: n }, spec, new Int8Array(n)),
  },
  { kernel: 'dequantizeTensor', op: 'dequantize', call: (b, n) => b.dequantizeTensor(new Int8Array(n), 0.5, 0, new Float32Array(n)) },
  { kernel: 'dequantizeAxis', op: 'dequantize', call: (b, n) => b.dequantizeAxis(new Int8Array(n), Float32Array.of(0.5), Int32Array.of(0), { outer: 1, channels: 1, inner: n }, new Float32Array(n)) },
  {
    kernel: 'dequantizeBlocked',
    op: 'dequantize',
    call: (b, n) => b.dequantizeBlocked(new Int8Array(n), Float32Array.of(0.5), Int32Array.of(0), { outer: 1, dim: n, inner: 1, blockSize: n }, new Float32Array(n)),
  },
  { kernel: 'fakeQuantizeTensor', op: 'fakeQuantize', call: (b, n) => b.fakeQuantizeTensor(f32(n), 0.05, 0, spec, new Float32Array(n)) },
  { kernel: 'minMax', op: 'minMax', call: (b, n) => b.minMax(f32(n)) },
  { kernel: 'minMaxAxis', op: 'minMax', call: (b, n) => b.minMaxAxis(f32(n), { outer: 1, channels: 1, inner: n }, new Float64Array(1), new Float64Array(1)) },
  { kernel: 'minMaxBlocked', op: 'minMax', call: (b, n) => b.minMaxBlocked(f32(n), { outer: 1, dim: n, inner: 1, blockSize: n }, new Float64Array(1), new Float64Array(1)) },
  { kernel: 'absMax', op: 'absMax', call: (b, n) => b.absMax(f32(n)) },
  { kernel: 'pack', op: 'pack', call: (b, n) => b.pack(new Int8Array(n), 4, new Uint8Array(Math.ceil(n / 2))) },
  { kernel: 'unpack', op: 'unpack', call: (b, n) => b.unpack(new Uint8Array(Math.ceil(n / 2)), 4, true, new Int8Array(n)) },
  { kernel: 'histogram', op: 'histogram', call: (b, n) => b.histogram(f32(n), -3, 3, new Uint32Array(16)) },
  { kernel: 'absHistogram', op: 'histogram', call: (b, n) => b.absHistogram(f32(n), 0, 3, new Uint32Array(16)) },
  // Unvalidated backend calls: n need not be whole q8_0 blocks for the routing decision, which counts elements only.
  { kernel: 'ggmlQuantize', op: 'ggml', call: (b, n) => b.ggmlQuantize(f32(n), 'q8_0', new Uint8Array(Math.ceil(n / 32) * 34)) },
  { kernel: 'ggmlDequantize', op: 'ggml', call: (b, n) => b.ggmlDequantize(new Uint8Array(Math.ceil(n / 32) * 34), 'q8_0', new Float32Array(n)) },
  // Embeddings: n rows of dim 1 (the count is the values of x or rows).
  { kernel: 'quantizeEmbeddingRows', op: 'embeddings', call: (b, n) => b.quantizeEmbeddingRows(f32(n), 1, Float32Array.of(-1), Float32Array.of(0.01), 'int8', 'floor', new Int8Array(n)) },
  { kernel: 'packBinaryRows', op: 'embeddings', call: (b, n) => b.packBinaryRows(f32(n), 1, 'ubinary', 'msb', 'positive', new Uint8Array(n)) },
  { kernel: 'hammingScan', op: 'embeddings', call: (b, n) => b.hammingScan(new Uint8Array(1), new Uint8Array(n), 1, new Uint32Array(n)) },
  { kernel: 'dotScanInt8', op: 'embeddings', call: (b, n) => b.dotScanInt8(new Int8Array(1), new Int8Array(n), 1, new Int32Array(n)) },
  { kernel: 'dotScanUint8', op: 'embeddings', call: (b, n) => b.dotScanUint8(new Uint8Array(1), new Uint8Array(n), 1, new Uint32Array(n)) },
  { kernel: 'l2ScanInt8', op: 'embeddings', call: (b, n) => b.l2ScanInt8(new Int8Array(1), new Int8Array(n), 1, new Uint32Array(n)) },
  { kernel: 'l2ScanUint8', op: 'embeddings', call: (b, n) => b.l2ScanUint8(new Uint8Array(1), new Uint8Array(n), 1, new Uint32Array(n)) },
  {
    kernel: 'dotScanAsymmetric',
    op: 'embeddings',
    call: (b, n) => b.dotScanAsymmetric(f32(1), new Int8Array(n), Float32Array.of(-1), Float32Array.of(0.01), 1, new Float64Array(n), 'floor'),
  },
  {
    kernel: 'l2ScanAsymmetric',
    op: 'embeddings',
    call: (b, n) => b.l2ScanAsymmetric(f32(1), new Uint8Array(n), Float32Array.of(-1), Float32Array.of(0.01), 1, new Float64Array(n), 'floor'),
  },
  { kernel: 'dotScanFloat', op: 'embeddings', call: (b, n) => b.dotScanFloat(f32(1), f32(n), 1, new Float64Array(n)) },
  { kernel: 'l2ScanFloat', op: 'embeddings', call: (b, n) => b.l2ScanFloat(f32(1), f32(n), 1, new Float64Array(n)) },
  { kernel: 'topKKernel', op: 'embeddings', call: (b, n) => b.topKKernel(new Float64Array(n), 1, 'descending', new Uint32Array(Math.min(1, n))) },
];

describe('routing thresholds', () => {
  it('has one positive integer constant per operation', () => {
    expect(Object.keys(ROUTING_THRESHOLDS).sort()).toEqual(['absMax', 'dequantize', 'embeddings', 'fakeQuantize', 'ggml', 'histogram', 'minMax', 'pack', 'quantize', 'unpack']);
    for (const v of Object.values(ROUTING_THRESHOLDS)) expect(Number.isInteger(v) && v > 0).toBe(true);
    expect(new Set(CALLS.map((c) => c.op)).size).toBe(Object.keys(ROUTING_THRESHOLDS).length);
  });

  for (const { kernel, op, call } of CALLS) {
    const t = ROUTING_THRESHOLDS[op];
    it(`${kernel}: ${t - 1} elements stay on the reference, ${t} go to the fast backend (${op} = ${t})`, () => {
      const fast = spyBackend('fast');
      const small = spyBackend('small');
      const routed = createRoutedBackend(fast.backend, { small: small.backend });
      call(routed, t - 1);
      expect(small.calls).toEqual([kernel]);
      expect(fast.calls).toEqual([]);
      call(routed, t);
      expect(fast.calls).toEqual([kernel]);
      expect(small.calls).toEqual([kernel]);
    });
  }

  it('sends calls the fast backend cannot do to the reference, whatever their size', () => {
    const fast = spyBackend('fast', referenceBackend, { capabilities: { ...referenceBackend.capabilities, float64: false, bits: [8], perAxis: false } });
    const small = spyBackend('small');
    const routed = createRoutedBackend(fast.backend, { small: small.backend });
    const n = 4096;
    routed.quantizeTensor(new Float64Array(n), 1, 0, spec, new Int8Array(n));
    routed.quantizeTensor(new Float32Array(n), 1, 0, { qmin: -8, qmax: 7, profile: 'onnx' }, new Int8Array(n));
    routed.minMaxAxis(new Float32Array(n), { outer: 1, channels: 1, inner: n }, new Float64Array(1), new Float64Array(1));
    expect(small.calls).toEqual(['quantizeTensor', 'quantizeTensor', 'minMaxAxis']);
    routed.quantizeTensor(new Float32Array(n), 1, 0, { qmin: -127, qmax: 127, profile: 'onnx' }, new Int8Array(n)); // narrow int8 is 8-bit
    expect(fast.calls).toEqual(['quantizeTensor']);
  });

  it('routes the high-level API of a native quantizer: the min/max pass and the quantize pass each by their own constant', () => {
    const native = spyBackend('native');
    const q = createQuantizer({ backend: 'native', native: { createNativeBackend: () => native.backend } });
    const below = ROUTING_THRESHOLDS.quantize - 1;
    q.quantize(f32(below));
    expect(native.calls).toEqual([]);
    q.quantize(f32(ROUTING_THRESHOLDS.quantize));
    expect(native.calls).toEqual(ROUTING_THRESHOLDS.quantize >= ROUTING_THRESHOLDS.minMax ? ['minMax', 'quantizeTensor'] : ['quantizeTensor']);
    native.calls.length = 0;
    q.quantize(f32(Math.max(ROUTING_THRESHOLDS.quantize, ROUTING_THRESHOLDS.minMax)));
    expect(native.calls).toEqual(['minMax', 'quantizeTensor']);
    expect(q.backendInfo()).toMatchObject({ name: 'native', isa: 'spy' });
  });

  it('routes a WebAssembly quantizer by WASM_ROUTING_THRESHOLDS (one constant per operation, as native)', () => {
    expect(Object.keys(WASM_ROUTING_THRESHOLDS).sort()).toEqual(Object.keys(ROUTING_THRESHOLDS).sort());
    for (const v of Object.values(WASM_ROUTING_THRESHOLDS)) expect(Number.isInteger(v) && v > 0).toBe(true);
    const wasm = spyBackend('wasm');
    const q = createQuantizer({ backend: 'wasm', wasm: { createWasmBackend: () => wasm.backend } });
    const t = WASM_ROUTING_THRESHOLDS;
    q.kernels.dequantizeTensor(new Uint8Array(t.dequantize - 1), 0.5, 0, new Float32Array(t.dequantize - 1));
    q.kernels.absMax(f32(t.absMax - 1));
    expect(wasm.calls).toEqual([]);
    q.kernels.dequantizeTensor(new Uint8Array(t.dequantize), 0.5, 0, new Float32Array(t.dequantize));
    q.kernels.absMax(f32(t.absMax));
    expect(wasm.calls).toEqual(['dequantizeTensor', 'absMax']);
    expect(q.backendInfo()).toMatchObject({ name: 'wasm', isa: 'spy' });
  });

  it('results do not depend on the side of the threshold (both sides are the reference contract)', () => {
    const routed = createRoutedBackend(spyBackend('fast').backend);
    for (const n of [ROUTING_THRESHOLDS.quantize - 1, ROUTING_THRESHOLDS.quantize]) {
      const x = f32(n);
      const a = new Int8Array(n);
      const b = new Int8Array(n);
      routed.quantizeTensor(x, 0.05, 3, spec, a);
      referenceKernels.quantizeTensor(x, 0.05, 3, spec, b);
      expect(a).toEqual(b);
    }
  });
});

describe('async routing', () => {
  it('runs calls below each threshold on the reference and the rest on the fast async kernels', async () => {
    const small = spyBackend('small');
    const fastSync = spyBackend('fast');
    const routed = routedAsyncBackend(slicedAsyncBackend(fastSync.backend), small.backend);
    for (const op of ['quantize', 'dequantize', 'minMax', 'absMax', 'pack', 'unpack', 'fakeQuantize'] as const) {
      const t = ROUTING_THRESHOLDS[op];
      for (const n of [t - 1, t]) {
        small.calls.length = 0;
        fastSync.calls.length = 0;
        const x = f32(n);
        if (op === 'quantize') await routed.quantizeTensorAsync(x, 0.05, 0, spec, new Int8Array(n));
        if (op === 'dequantize') await routed.dequantizeTensorAsync(new Int8Array(n), 0.5, 0, new Float32Array(n));
        if (op === 'minMax') await routed.minMaxAsync(x);
        if (op === 'absMax') await routed.absMaxAsync(x);
        if (op === 'pack') await routed.packAsync(new Int8Array(n), 4, new Uint8Array(Math.ceil(n / 2)));
        if (op === 'unpack') await routed.unpackAsync(new Uint8Array(Math.ceil(n / 2)), 4, false, new Uint8Array(n));
        if (op === 'fakeQuantize') await routed.fakeQuantizeTensorAsync(x, 0.05, 0, spec, new Float32Array(n) as FloatArray);
        expect({ op, n, small: small.calls.length, fast: fastSync.calls.length }).toEqual({ op, n, small: n < t ? 1 : 0, fast: n < t ? 0 : 1 });
      }
    }
  });

  it('rejects an already aborted call before running it', async () => {
    const small = spyBackend('small');
    const routed = routedAsyncBackend(slicedAsyncBackend(spyBackend('fast').backend), small.backend);
    const c = new AbortController();
    c.abort();
    await expect(routed.minMaxAsync(f32(3), { signal: c.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(small.calls).toEqual([]);
  });
});
