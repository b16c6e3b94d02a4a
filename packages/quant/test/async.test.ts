import { createAsyncQuantApi, numberToBfloat16, numberToFloat16, referenceBackend, quantize as referenceQuantize, fakeQuantize as referenceFakeQuantize, dequantize as referenceDequantize, type KernelSpec } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { ASYNC_SLICE, slicedAsyncBackend } from '../src/async.js';
import { createQuantizer } from '../src/index.js';
import { nativeAvailability, sameBytes, sameTensor, spyBackend } from './helpers.js';

/*
 * The async API: in reference mode the kernels run in slices with the event loop turning between them (async.ts), in
 * native mode they run on the addon's threads; either way the results are the synchronous reference's, bit for bit.
 */

const n = 3 * ASYNC_SLICE + 1234;
const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 5 + (i % 97 === 0 ? NaN : 0));
const spec: KernelSpec = { qmin: 0, qmax: 255, profile: 'pytorch' };

describe('sliced async kernels (reference mode)', () => {
  const b = slicedAsyncBackend(referenceBackend);

  it('produce the synchronous results over several slices', async () => {
    const a = new Uint8Array(n);
    const s = new Uint8Array(n);
    await b.quantizeTensorAsync(x, 0.04, 128, spec, a);
    referenceBackend.quantizeTensor(x, 0.04, 128, spec, s);
    expect(sameBytes(a, s)).toBe(true);
    const fa = new Float32Array(n);
    const fs = new Float32Array(n);
    const ra = await b.fakeQuantizeTensorAsync(x, 0.04, 128, spec, fa);
    const rs = referenceBackend.fakeQuantizeTensor(x, 0.04, 128, spec, fs);
    expect(sameBytes(fa, fs)).toBe(true);
    expect(ra).toEqual(rs);
    expect(await b.minMaxAsync(x)).toEqual(referenceBackend.minMax(x));
    expect(await b.absMaxAsync(x)).toBe(referenceBackend.absMax(x));
    for (const bits of [2, 4] as const) {
      const q = Int8Array.from({ length: n }, (_, i) => (i % (1 << bits)) - (1 << (bits - 1)));
      const pa = new Uint8Array(Math.ceil((n * bits) / 8));
      const ps = new Uint8Array(pa.length);
      await b.packAsync(q, bits, pa);
      referenceBackend.pack(q, bits, ps);
      expect(sameBytes(pa, ps)).toBe(true);
      const ua = new Int8Array(n);
      await b.unpackAsync(pa, bits, true, ua);
      expect(sameBytes(ua, q)).toBe(true);
    }
  });

  it('half histograms run in slices with the synchronous counts, and calibrating a bfloat16 tensor gives the sync range', async () => {
    const bits = Uint16Array.from(x, (v) => numberToBfloat16(v));
    for (const abs of [false, true]) {
      const want = new Float64Array(300).fill(0.5);
      const got = want.slice();
      (abs ? referenceBackend.absHistogramHalf : referenceBackend.histogramHalf)(bits, 'bfloat16', abs ? 0 : -4, 4, want);
      await (abs ? b.absHistogramHalfAsync : b.histogramHalfAsync)(bits, 'bfloat16', abs ? 0 : -4, 4, got);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
    const range = { method: 'percentile', percentile: 99, exactLimit: 1000 } as const;
    const a = await createAsyncQuantApi(b).quantizeAsync(bits, { dtype: 'bfloat16', range });
    const s = referenceQuantize(bits, { dtype: 'bfloat16', range });
    expect([a.scale, a.zeroPoint]).toEqual([s.scale, s.zeroPoint]);
    expect(sameBytes(a.data, s.data)).toBe(true);
  });

  it('handles empty inputs', async () => {
    await expect(b.minMaxAsync(new Float32Array(0))).resolves.toEqual({ min: Infinity, max: -Infinity });
    await expect(b.quantizeTensorAsync(new Float32Array(0), 1, 0, spec, new Uint8Array(0))).resolves.toBeUndefined();
  });

  it('lets the event loop run between slices, and stops at the next slice on abort', async () => {
    const controller = new AbortController();
    setImmediate(() => controller.abort(new Error('enough')));
    const out = new Uint8Array(n);
    out.fill(7);
    await expect(b.quantizeTensorAsync(x, 0.04, 128, spec, out, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    // The first slice ran, the last one never did.
    expect(out[0]).not.toBe(7);
    expect(out[n - 1]).toBe(7);
  });

  it('rejects an already aborted signal without running anything', async () => {
    const out = new Uint8Array(4).fill(9);
    await expect(b.quantizeTensorAsync(Float32Array.of(1, 2, 3, 4), 1, 0, spec, out, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(out)).toEqual([9, 9, 9, 9]);
  });

  it('backs the async API with the synchronous API’s results', async () => {
    const api = createAsyncQuantApi(b);
    for (const options of [{}, { scheme: 'symmetric' as const, bits: 4, packed: true }, { shape: [3, n / 3 - (n % 3) / 3], granularity: { axis: 0 } } as const]) {
      const input = options.shape ? x.subarray(0, options.shape[0] * options.shape[1]) : x;
      const qt = await api.quantizeAsync(input, options);
      expect(sameTensor({ ...qt }, { ...referenceQuantize(input, options) })).toBe(true);
      expect(sameBytes(await api.dequantizeAsync(qt), referenceDequantize(qt))).toBe(true);
      expect(sameBytes(await api.fakeQuantizeAsync(input, options), referenceFakeQuantize(input, options))).toBe(true);
    }
  });
});

describe('the adapter’s async functions', async () => {
  const available = await nativeAvailability();
  const modes = ['reference', ...(available.ok || process.env.QUANT_REQUIRE_NATIVE === '1' ? (['native'] as const) : [])] as const;
  for (const backend of modes) {
    it(`match the synchronous reference (${backend} mode)`, async () => {
      const q = createQuantizer({ backend });
      for (const input of [x, x.subarray(0, 10), new Float64Array(x)]) {
        const qt = await q.quantizeAsync(input, { bits: 6, scheme: 'symmetric' });
        expect(sameTensor({ ...qt }, { ...referenceQuantize(input, { bits: 6, scheme: 'symmetric' }) })).toBe(true);
        expect(sameBytes(await q.dequantizeAsync(qt), referenceDequantize(qt))).toBe(true);
        expect(sameBytes(await q.fakeQuantizeAsync(input, { profile: 'pytorch' }), referenceFakeQuantize(input, { profile: 'pytorch' }))).toBe(true);
      }
    });
  }
});

describe('the async API on half-precision data', async () => {
  const available = await nativeAvailability();
  const modes = ['reference', ...(available.ok || process.env.QUANT_REQUIRE_NATIVE === '1' ? (['native'] as const) : [])] as const;
  const shape = [37, 3 * 41];
  const count = shape[0]! * shape[1]!;
  const GRANULARITIES = ['tensor', { axis: 0 }, { axis: 1 }, { axis: 1, blockSize: 32 }] as const;
  for (const backend of modes) {
    for (const dtype of ['float16', 'bfloat16'] as const) {
      it(`quantizes, dequantizes and fake-quantizes ${dtype} bits as the synchronous reference does (${backend} mode)`, async () => {
        const q = createQuantizer({ backend });
        const bits = Uint16Array.from({ length: count }, (_, i) => (dtype === 'float16' ? numberToFloat16 : numberToBfloat16)(Math.sin(i * 0.37) * 7 + (i % 101 === 0 ? NaN : 0)));
        for (const granularity of GRANULARITIES) {
          const options = { dtype, shape, granularity, bits: 4, scheme: 'affine' } as const;
          const qt = await q.quantizeAsync(bits, options);
          const want = referenceQuantize(bits, options);
          expect(sameTensor({ ...qt }, { ...want })).toBe(true);
          expect(qt.dtype).toBe(dtype);
          expect(sameBytes(await q.dequantizeAsync(qt), referenceDequantize(want))).toBe(true);
          const halfOut = await q.dequantizeAsync(qt, { dtype });
          expect(halfOut).toBeInstanceOf(Uint16Array);
          expect(sameBytes(halfOut, referenceDequantize(want, { dtype }))).toBe(true);
          const out = new Uint16Array(count);
          expect(await q.dequantizeAsync(qt, { out })).toBe(out);
          expect(sameBytes(out, halfOut)).toBe(true);
          expect(sameBytes(await q.fakeQuantizeAsync(bits, options), referenceFakeQuantize(bits, options))).toBe(true);
        }
      });
    }
  }

  it('runs the half kernels on the bits (no float32 kernel, so no float32 copy)', async () => {
    const spy = spyBackend('spy');
    const api = createAsyncQuantApi(slicedAsyncBackend(spy.backend));
    const bits = Uint16Array.from({ length: count }, (_, i) => numberToFloat16(i / 100));
    for (const granularity of GRANULARITIES) {
      spy.calls.length = 0;
      const qt = await api.quantizeAsync(bits, { dtype: 'float16', shape, granularity });
      await api.dequantizeAsync(qt, { dtype: 'float16' });
      await api.fakeQuantizeAsync(bits, { dtype: 'float16', shape, granularity });
      expect(spy.calls.length).toBeGreaterThan(0);
      expect(spy.calls.filter((c) => !c.includes('Half'))).toEqual([]);
    }
  });
});
