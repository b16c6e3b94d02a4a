import { expect, it } from 'vitest';
import { createAsyncQuantApi, createQuantApi, QuantError, resolveGranularity } from '@quantkit/quant-core';
import type { KernelSpec, QuantizeOptions } from '@quantkit/quant-core';
import { createNativeBackend, dequantizeAsync, fakeQuantizeAsync, quantize, quantizeAsync } from '../src/index.js';
import { bytesOf, describeNative, floatData, native, rng, sameBits, sameTensor } from './helpers.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function expectAbortError(error: unknown, reason?: unknown): void {
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe('AbortError');
  expect((error as { code?: string }).code).toBe('ABORT_ERR');
  if (reason !== undefined) expect((error as Error).cause).toBe(reason);
}

describeNative('async kernels and API', () => {
  const b = createNativeBackend({ threads: 2, addon: native.loaded! });
  const single = createNativeBackend({ isa: 'scalar', threads: 1, addon: native.loaded! });
  const spec: KernelSpec = { qmin: 0, qmax: 255, profile: 'onnx' };

  it('every async kernel resolves with exactly the sync result', async () => {
    const n = 200_003;
    const x = floatData('float32', n, 1);
    const r = rng(2);
    const q1 = new Uint8Array(n);
    const q2 = new Uint8Array(n);
    b.quantizeTensor(x, 0.4, 120, spec, q1);
    await b.quantizeTensorAsync(x, 0.4, 120, spec, q2);
    expect(sameBits(q2, q1)).toBeUndefined();

    const v1 = new Float64Array(n);
    const v2 = new Float64Array(n);
    b.dequantizeTensor(q1, 0.4, 120, v1);
    await b.dequantizeTensorAsync(q1, 0.4, 120, v2);
    expect(sameBits(v2, v1)).toBeUndefined();

    const f1 = new Float32Array(n);
    const f2 = new Float32Array(n);
    const report1 = b.fakeQuantizeTensor(x, 0.4, 120, spec, f1);
    const report2 = await b.fakeQuantizeTensorAsync(x, 0.4, 120, spec, f2);
    expect(sameBits(f2, f1)).toBeUndefined();
    expect(report2).toStrictEqual(report1);

    expect(await b.minMaxAsync(x)).toStrictEqual(b.minMax(x));
    expect(await b.absMaxAsync(x)).toBe(b.absMax(x));

    for (const [shape, granularity] of [[[1, n], { axis: 1 }], [[n], { axis: 0, blockSize: 3 }]] as const) {
      const gg = resolveGranularity(granularity, shape);
      if (gg.kind === 'tensor') throw new Error('expected groups');
      const scales = new Float32Array(gg.groups).map(() => 0.1 + r());
      const zps = new Int32Array(gg.groups).map(() => Math.floor(r() * 256));
      const [a, c] = [new Uint8Array(n), new Uint8Array(n)];
      const [va, vc] = [new Float32Array(n), new Float32Array(n)];
      const [mina, maxa, minc, maxc] = [0, 0, 0, 0].map(() => new Float64Array(gg.groups));
      if (gg.kind === 'axis') {
        b.quantizeAxis(x, scales, zps, gg.layout, spec, a);
        await b.quantizeAxisAsync(x, scales, zps, gg.layout, spec, c);
        b.dequantizeAxis(a, scales, zps, gg.layout, va);
        await b.dequantizeAxisAsync(a, scales, zps, gg.layout, vc);
        b.minMaxAxis(x, gg.layout, mina!, maxa!);
        await b.minMaxAxisAsync(x, gg.layout, minc!, maxc!);
      } else {
        b.quantizeBlocked(x, scales, zps, gg.layout, spec, a);
        await b.quantizeBlockedAsync(x, scales, zps, gg.layout, spec, c);
        b.dequantizeBlocked(a, scales, zps, gg.layout, va);
        await b.dequantizeBlockedAsync(a, scales, zps, gg.layout, vc);
        b.minMaxBlocked(x, gg.layout, mina!, maxa!);
        await b.minMaxBlockedAsync(x, gg.layout, minc!, maxc!);
      }
      expect(sameBits(c, a)).toBeUndefined();
      expect(sameBits(vc, va)).toBeUndefined();
      expect(sameBits(minc!, mina!)).toBeUndefined();
      expect(sameBits(maxc!, maxa!)).toBeUndefined();
    }

    const codes = new Int8Array(n).map(() => Math.floor(r() * 16) - 8);
    const [p1, p2] = [new Uint8Array(Math.ceil(n / 2)), new Uint8Array(Math.ceil(n / 2))];
    b.pack(codes, 4, p1);
    await b.packAsync(codes, 4, p2);
    expect(sameBits(p2, p1)).toBeUndefined();
    const back = new Int8Array(n);
    await b.unpackAsync(p2, 4, true, back);
    expect(sameBits(back, codes)).toBeUndefined();
  });

  it('quantizeAsync, dequantizeAsync and fakeQuantizeAsync equal their sync twins on the same backend', async () => {
    const sync = createQuantApi(b);
    const async_ = createAsyncQuantApi(b);
    const x = floatData('float64', 12 * 35 * 300, 5, { spread: 3, edges: false });
    const cases: QuantizeOptions[] = [
      {},
      { scheme: 'symmetric', bits: 4, packed: true },
      { bits: 2, packed: true, narrowRange: true },
      { bits: 12, profile: 'pytorch' },
      { shape: [12, 35, 300], granularity: { axis: 1 } },
      { shape: [12, 35, 300], granularity: { axis: -1, blockSize: 32 }, scheme: 'symmetric' },
      { range: { min: -1, max: 2 } },
      { scale: 0.01, zeroPoint: 7 },
    ];
    for (const options of cases) {
      const qt = sync.quantize(x, options);
      const qa = await async_.quantizeAsync(x, options);
      expect(sameTensor(qa, qt), JSON.stringify(options)).toBeUndefined();
      // Into a caller's array (filled with junk first): the same tensor, with that array as its data.
      const into = qt.data.slice().fill(0x5a);
      const qo = await async_.quantizeAsync(x, { ...options, out: into });
      expect(qo.data).toBe(into);
      expect(sameTensor(qo, qt), JSON.stringify(options)).toBeUndefined();
      const d = sync.dequantize(qt);
      expect(sameBits(await async_.dequantizeAsync(qa), d), JSON.stringify(options)).toBeUndefined();
      const out = new Float32Array(x.length);
      await async_.dequantizeAsync(qa, { out });
      expect(sameBits(out, Float32Array.from(d))).toBeUndefined();
      expect(sameBits(await async_.fakeQuantizeAsync(x, options), sync.fakeQuantize(x, options)), JSON.stringify(options)).toBeUndefined();
    }
  });

  it('the package-level async functions use the default native backend', async () => {
    const x = floatData('float32', 70_001, 8, { edges: false });
    const qt = quantize(x, { bits: 4, packed: true });
    expect(sameTensor(await quantizeAsync(x, { bits: 4, packed: true }), qt)).toBeUndefined();
    const back = await dequantizeAsync(qt);
    expect(back).toBeInstanceOf(Float32Array);
    expect((await fakeQuantizeAsync(x, { bits: 4 })).length).toBe(x.length);
  });

  it('validation errors reject (not throw) with core codes', async () => {
    const p = quantizeAsync(new Float32Array(4), { bits: 17 });
    expect(p).toBeInstanceOf(Promise);
    const error = await rejection(p);
    expect(error).toBeInstanceOf(QuantError);
    expect((error as QuantError).code).toBe('ERR_QUANT_BITS');
  });

  it('rejects with AbortError at once when the signal is already aborted, without touching the output', async () => {
    const x = floatData('float32', 1000, 3);
    const out = new Uint8Array(1000).fill(77);
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    expectAbortError(await rejection(b.quantizeTensorAsync(x, 0.1, 0, spec, out, { signal: controller.signal })), reason);
    expect(out.every((v) => v === 77)).toBe(true);
    expectAbortError(await rejection(quantizeAsync(x, { signal: controller.signal })), reason);
    expectAbortError(await rejection(b.minMaxAsync(x, { signal: controller.signal })));
  });

  it('an abort during the call stops the work between chunks and rejects with AbortError', async () => {
    // 128 chunks of fake-quantize (the slowest kernel): the abort lands long before the last chunk.
    const n = 1 << 23;
    const x = new Float32Array(n).fill(1);
    const out = new Float32Array(n).fill(77);
    const controller = new AbortController();
    const pending = single.fakeQuantizeTensorAsync(x, 0.5, 0, spec, out, { signal: controller.signal });
    controller.abort();
    expectAbortError(await rejection(pending));
    // The worker checks the flag before every chunk, so it stopped early: the last chunk was never written.
    expect(out[n - 1]).toBe(77);

    const later = new AbortController();
    const big = floatData('float64', 1 << 22, 4);
    const fake = new Float64Array(big.length);
    const p = single.fakeQuantizeTensorAsync(big, 0.5, 0, spec, fake, { signal: later.signal });
    setTimeout(() => later.abort(), 2);
    expectAbortError(await rejection(p));
    expectAbortError(await rejection(fakeQuantizeAsync(big, { signal: AbortSignal.timeout(1) })));
  });

  it('async calls keep their arrays alive until they settle', async () => {
    const n = 1 << 21;
    const promises: Promise<Uint8Array>[] = [];
    for (let i = 0; i < 4; i++) {
      // The only references to x are inside the pending call.
      const out = new Uint8Array(n);
      promises.push(single.quantizeTensorAsync(new Float32Array(n).fill(i + 0.3), 0.5, 0, spec, out).then(() => out));
    }
    (globalThis as { gc?: () => void }).gc?.();
    const results = await Promise.all(promises);
    results.forEach((out, i) => expect(out[n - 1]).toBe(Math.round((i + 0.3) / 0.5)));
    expect(bytesOf(results[0]!).length).toBe(n);
  });
});
