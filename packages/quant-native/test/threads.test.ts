import { expect, it } from 'vitest';
import { referenceBackend, resolveGranularity } from '@quantkit/quant-core';
import type { Backend, FloatArray, KernelSpec } from '@quantkit/quant-core';
import { createNativeBackend } from '../src/index.js';
import { bytesOf, describeNative, floatData, intData, native, rng, sameBits, sameRange } from './helpers.js';

describeNative('results do not depend on the thread count', () => {
  const isa = 'auto' as const;
  const backends: Backend[] = [1, 2, 3].map((threads) => createNativeBackend({ isa, threads, addon: native.loaded! }));
  const spec: KernelSpec = { qmin: -128, qmax: 127, profile: 'onnx' };

  for (const [dtype, n] of [['float32', 1_000_003], ['float64', 300_007]] as const) {
    const x = floatData(dtype, n, n);

    it(`${dtype} x ${n}: quantize, dequantize, minMax, absMax and pack with 1, 2 and 3 threads equal the reference`, () => {
      const expected = new Int8Array(n);
      referenceBackend.quantizeTensor(x, 0.05, 3, spec, expected);
      const values = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      referenceBackend.dequantizeTensor(expected, 0.05, 3, values);
      const nibbles = new Int8Array(n).map((_, i) => (expected[i]! >> 4));
      const packed = new Uint8Array(Math.ceil(n / 2));
      referenceBackend.pack(nibbles, 4, packed);
      const range = referenceBackend.minMax(x);
      for (const b of backends) {
        const q = new Int8Array(n);
        b.quantizeTensor(x, 0.05, 3, spec, q);
        expect(sameBits(q, expected), `quantize, ${b.threads} threads`).toBeUndefined();
        const v = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        b.dequantizeTensor(q, 0.05, 3, v);
        expect(sameBits(v, values), `dequantize, ${b.threads} threads`).toBeUndefined();
        const r = b.minMax(x);
        expect(sameRange([r.min, r.max], [range.min, range.max])).toBeUndefined();
        expect(b.absMax(x)).toBe(referenceBackend.absMax(x));
        const p = new Uint8Array(packed.length);
        b.pack(nibbles, 4, p);
        expect(sameBits(p, packed), `pack, ${b.threads} threads`).toBeUndefined();
        const back = new Int8Array(n);
        b.unpack(p, 4, true, back);
        expect(sameBits(back, nibbles), `unpack, ${b.threads} threads`).toBeUndefined();
      }
    });

    it(`${dtype} x ${n}: fakeQuantize values and metrics bit-identical to the reference at every thread count (SPEC §6 summation order)`, () => {
      const s: KernelSpec = { qmin: 0, qmax: 255, profile: 'pytorch' };
      const expected = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      const expectedReport = referenceBackend.fakeQuantizeTensor(x, 0.7, 131, s, expected);
      const reports = backends.map((b) => {
        const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        const report = b.fakeQuantizeTensor(x, 0.7, 131, s, out);
        expect(sameBits(out, expected), `${b.threads} threads`).toBeUndefined();
        const values = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
        b.fakeQuantizeTensorValues(x, 0.7, 131, s, values);
        expect(sameBits(values, expected), `values only, ${b.threads} threads`).toBeUndefined();
        return report;
      });
      for (const r of reports.slice(1)) expect(r).toStrictEqual(reports[0]);
      expect(reports[0]).toStrictEqual(expectedReport);
    });
  }

  it('per-axis and blocked kernels on large tensors, every thread count', () => {
    const cases = [
      { shape: [1000, 1003], granularity: { axis: 0 } },
      { shape: [1000, 1003], granularity: { axis: 1 } },
      { shape: [3, 200_001], granularity: { axis: 0 } },
      { shape: [300_007], granularity: { axis: 0, blockSize: 32 } },
      { shape: [613, 509], granularity: { axis: 0, blockSize: 64 } },
      { shape: [509, 613], granularity: { axis: 1, blockSize: 128 } },
    ];
    let seed = 1;
    for (const c of cases) {
      const g = resolveGranularity(c.granularity, c.shape);
      if (g.kind === 'tensor') throw new Error('expected groups');
      const n = c.shape.reduce((a, d) => a * d, 1);
      const r = rng(++seed);
      const x = floatData('float32', n, seed, { spread: 10 });
      const scales = new Float32Array(g.groups).map(() => 0.01 + r() * 0.2);
      const zps = new Int32Array(g.groups).map(() => Math.floor(r() * 256));
      const s: KernelSpec = { qmin: 0, qmax: 255, profile: 'onnx' };
      const expected = new Uint8Array(n);
      const ranges = [new Float64Array(g.groups), new Float64Array(g.groups)] as const;
      const values = new Float32Array(n);
      if (g.kind === 'axis') {
        referenceBackend.quantizeAxis(x, scales, zps, g.layout, s, expected);
        referenceBackend.dequantizeAxis(expected, scales, zps, g.layout, values);
        referenceBackend.minMaxAxis(x, g.layout, ...ranges);
      } else {
        referenceBackend.quantizeBlocked(x, scales, zps, g.layout, s, expected);
        referenceBackend.dequantizeBlocked(expected, scales, zps, g.layout, values);
        referenceBackend.minMaxBlocked(x, g.layout, ...ranges);
      }
      for (const b of backends) {
        const q = new Uint8Array(n);
        const v = new Float32Array(n);
        const mm = [new Float64Array(g.groups), new Float64Array(g.groups)] as const;
        if (g.kind === 'axis') {
          b.quantizeAxis(x, scales, zps, g.layout, s, q);
          b.dequantizeAxis(q, scales, zps, g.layout, v);
          b.minMaxAxis(x, g.layout, ...mm);
        } else {
          b.quantizeBlocked(x, scales, zps, g.layout, s, q);
          b.dequantizeBlocked(q, scales, zps, g.layout, v);
          b.minMaxBlocked(x, g.layout, ...mm);
        }
        const where = `[${c.shape}] ${JSON.stringify(c.granularity)} ${b.threads} threads`;
        expect(sameBits(q, expected), where).toBeUndefined();
        expect(sameBits(v, values), where).toBeUndefined();
        expect(sameRange(mm[0], ranges[0]), where).toBeUndefined();
        expect(sameRange(mm[1], ranges[1]), where).toBeUndefined();
      }
    }
  });

  it('dequantize of every code type into float32 and float64 across chunk boundaries', () => {
    for (const codes of [new Int8Array(200_000), new Uint8Array(200_001), new Int16Array(131_073), new Uint16Array(65_537)]) {
      intData(codes, codes.length);
      for (const F of [Float32Array, Float64Array]) {
        const expected = new F(codes.length) as FloatArray;
        referenceBackend.dequantizeTensor(codes, 1 / 3, 7, expected);
        const results = backends.map((b) => {
          const out = new F(codes.length) as FloatArray;
          b.dequantizeTensor(codes, 1 / 3, 7, out);
          return bytesOf(out);
        });
        for (const r of results) expect(Buffer.compare(r, bytesOf(expected))).toBe(0);
      }
    }
  });
});
