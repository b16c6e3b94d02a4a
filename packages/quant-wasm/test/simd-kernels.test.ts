import { referenceBackend, type IntArray, type KernelSpec } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';

/*
 * The SIMD128 bodies on the inputs that stress them, in runs long enough to go through the vector loops (the corpus'
 * tie cases are short and mostly reach only the tails): values at and one float32 ulp around every half-integer
 * quotient (the 'onnx' profile's checked multiply must fall back to division exactly there), NaN, ±Inf, ±0, values
 * far outside the clamp, for every code type and both profiles; fake-quantize sums on the same data.
 */
const wasm = createWasmBackend({ isa: 'simd128' });

function nearTies(scale: number, lo: number, hi: number): Float32Array {
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) {
    const t = Math.fround((k + 0.5) * scale);
    const bits = new Float32Array([t]);
    const u = new Uint32Array(bits.buffer);
    for (const d of [-2, -1, 0, 1, 2]) {
      const v = new Uint32Array([u[0]! + d]);
      out.push(new Float32Array(v.buffer)[0]!);
    }
  }
  out.push(NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 3.4e38);
  return Float32Array.from(out);
}

const SPECS: [KernelSpec, new (n: number) => IntArray, number][] = [
  [{ qmin: 0, qmax: 255, profile: 'onnx' }, Uint8Array, 128],
  [{ qmin: -128, qmax: 127, profile: 'onnx' }, Int8Array, -3],
  [{ qmin: -32768, qmax: 32767, profile: 'onnx' }, Int16Array, 100],
  [{ qmin: 0, qmax: 65535, profile: 'pytorch' }, Uint16Array, 30000],
  [{ qmin: 0, qmax: 15, profile: 'pytorch' }, Uint8Array, 8],
];

describe('SIMD128 kernels against the reference', () => {
  it('quantize and fake-quantize at, and one ulp around, every rounding boundary', () => {
    for (const scale of [0.1, 0.0234, Math.fround(6 / 255), 3, 1e-20, 1e30]) {
      for (const [spec, Codes, zp] of SPECS) {
        const x = nearTies(scale, spec.qmin - zp - 2, Math.min(spec.qmax - zp + 2, spec.qmin - zp + 3000));
        const [a, b] = [new Codes(x.length), new Codes(x.length)];
        wasm.quantizeTensor(x, scale, zp, spec, a);
        referenceBackend.quantizeTensor(x, scale, zp, spec, b);
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `quantize scale ${scale} ${JSON.stringify(spec)}`).toBe(true);
        const [fa, fb] = [new Float32Array(x.length), new Float32Array(x.length)];
        expect(wasm.fakeQuantizeTensor(x, scale, zp, spec, fa)).toEqual(referenceBackend.fakeQuantizeTensor(x, scale, zp, spec, fb));
        expect(Buffer.from(fa.buffer).equals(Buffer.from(fb.buffer)), `fakeQuantize scale ${scale}`).toBe(true);
      }
    }
  });

  it('dequantize, min/max and abs-max of long runs with NaN, ±0 and ±Inf anywhere', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => (i % 97 === 0 ? NaN : i % 89 === 0 ? -0 : Math.sin(i) * 100));
    for (const special of [NaN, Infinity, -Infinity]) {
      const y = x.slice();
      y[517] = special;
      expect(wasm.minMax(y)).toEqual(referenceBackend.minMax(y));
      expect(wasm.absMax(y)).toEqual(referenceBackend.absMax(y));
    }
    for (const [, Codes] of SPECS) {
      const q = new Codes(1003).map((_, i) => (i * 7919) % 251);
      for (const scale of [Math.fround(0.1), 0.1, 3]) {
        const [a, b] = [new Float32Array(q.length), new Float32Array(q.length)];
        wasm.dequantizeTensor(q, scale, 7, a);
        referenceBackend.dequantizeTensor(q, scale, 7, b);
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `dequantize ${Codes.name} ${scale}`).toBe(true);
      }
    }
  });
});
