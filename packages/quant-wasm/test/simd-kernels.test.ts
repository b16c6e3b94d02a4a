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
  it('quantize and fake-quantize (with metrics and values only) at, and one ulp around, every rounding boundary', () => {
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
        const fv = new Float32Array(x.length);
        wasm.fakeQuantizeTensorValues(x, scale, zp, spec, fv);
        expect(Buffer.from(fv.buffer).equals(Buffer.from(fb.buffer)), `fakeQuantizeTensorValues scale ${scale}`).toBe(true);
      }
    }
  });

  it('quantize: every hard value in every lane of the 32-element blocks (divided and checked vectors), capped codes', () => {
    // The 'onnx' body divides 6 vectors of each 32 elements and multiplies-and-checks the other 2; codes above qmax are
    // capped after saturating narrows (native/src/kernels/simd128/quantize.h). Shifting the data by 0..31 elements puts
    // every value in every lane; quotients from 2^21 to 2^26 and at the float32 limit test the saturation argument.
    const specs: [KernelSpec, new (n: number) => IntArray, number][] = [
      ...SPECS,
      [{ qmin: 0, qmax: 200, profile: 'onnx' }, Uint8Array, 17],
      [{ qmin: -127, qmax: 127, profile: 'onnx' }, Int8Array, 0],
      [{ qmin: -8, qmax: 7, profile: 'onnx' }, Int8Array, 1],
      [{ qmin: 0, qmax: 65535, profile: 'onnx' }, Uint16Array, 32768],
      [{ qmin: -1000, qmax: 30000, profile: 'onnx' }, Int16Array, -5],
      [{ qmin: 0, qmax: 255, profile: 'pytorch' }, Uint8Array, 255],
    ];
    for (const scale of [Math.fround(6 / 255), 0.37, 1e-30]) {
      const big = [2 ** 21, 2 ** 22 - 0.5, 2 ** 22, 2 ** 22 + 1, 2 ** 23 - 1, 2 ** 23, 2 ** 23 + 2, 1.5 * 2 ** 23, 2 ** 24, 2 ** 26].flatMap((t) => [t * scale, -t * scale]);
      for (const [spec, Codes, zp] of specs) {
        const base = nearTies(scale, spec.qmin - zp - 3, Math.min(spec.qmax - zp + 3, spec.qmin - zp + 300));
        const hard = Float32Array.from([...base, ...big, 3.4e38, -3.4e38, NaN, Infinity, -Infinity, 2 ** -149, -0]);
        for (let shift = 0; shift < 32; shift++) {
          const x = new Float32Array(hard.length + 64);
          x.set(hard, shift);
          const [a, b] = [new Codes(x.length), new Codes(x.length)];
          wasm.quantizeTensor(x, scale, zp, spec, a);
          referenceBackend.quantizeTensor(x, scale, zp, spec, b);
          expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `quantize scale ${scale} ${JSON.stringify(spec)} zp ${zp} shift ${shift}`).toBe(true);
        }
      }
    }
  });

  it('half inputs: every float16 and bfloat16 bit pattern, quantized and reduced as its float32 widening', () => {
    // The SIMD128 widening (native/src/kernels/simd128/half.h) on all 65536 patterns: normals, subnormals, ±0, ±Inf and
    // NaN payloads, in every lane (the run is shifted by 0..7 elements). Results must equal the reference's.
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    for (const dtype of ['float16', 'bfloat16'] as const) {
      for (const shift of [0, 3, 7]) {
        const x = new Uint16Array(all.length + 8);
        x.set(all, shift);
        expect(wasm.minMaxHalf(x, dtype)).toEqual(referenceBackend.minMaxHalf(x, dtype));
        for (const [spec, Codes, zp] of SPECS) {
          for (const scale of [dtype === 'float16' ? 2 ** -20 : 1e-30, 0.0234, 3]) {
            const [a, b] = [new Codes(x.length), new Codes(x.length)];
            wasm.quantizeTensorHalf(x, dtype, scale, zp, spec, a);
            referenceBackend.quantizeTensorHalf(x, dtype, scale, zp, spec, b);
            expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `${dtype} scale ${scale} ${JSON.stringify(spec)} shift ${shift}`).toBe(true);
          }
        }
      }
    }
  });

  it('dequantize to float16 and bfloat16: every code, scales whose products are floats and scales whose are not', () => {
    // Both SIMD128 paths (native/src/kernels/simd128/dequantize.h): the float product, and the double product rounded
    // to odd; float16 subnormals (tiny scales), overflow to Inf (huge ones), ties of the half grid (scales of 2^-k).
    const f16Scale = (h: number): number => {
      const e = (h >> 10) & 31;
      const m = h & 1023;
      return e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
    };
    const scales = [f16Scale(0x2e66), f16Scale(0x0001), f16Scale(0x7bff), 2 ** -30, 2 ** -14 / 3, 0.1, Math.fround(6 / 255), 1e-7, 3e-8, 300, 1e36, 2 ** -11, 1 / 3];
    for (const [, Codes] of SPECS) {
      const all = Codes === Int16Array || Codes === Uint16Array ? 65536 : 256;
      const q = new Codes(all + 19);
      for (let i = 0; i < q.length; i++) q[i] = i % all;
      for (const scale of scales) {
        for (const zp of [0, 7, Codes === Uint16Array ? 40000 : -3]) {
          for (const dtype of ['float16', 'bfloat16'] as const) {
            const [a, b] = [new Uint16Array(q.length), new Uint16Array(q.length)];
            wasm.dequantizeTensorHalf(q, scale, zp, dtype, a);
            referenceBackend.dequantizeTensorHalf(q, scale, zp, dtype, b);
            expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `${Codes.name} -> ${dtype}, scale ${scale}, zp ${zp}`).toBe(true);
          }
        }
      }
    }
  });

  it('float64 runs: quantize near every rounding boundary, dequantize to float64, min/max and abs-max', () => {
    for (const scale of [0.1, 0.0234, 6 / 255, 3, 1e-300, 1e300]) {
      for (const [spec, Codes, zp] of SPECS) {
        const lo = spec.qmin - zp - 2;
        const hi = Math.min(spec.qmax - zp + 2, lo + 1500);
        const v: number[] = [];
        for (let k = lo; k <= hi; k++) {
          const t = (k + 0.5) * scale;
          for (const f of [1 - 2 ** -52, 1, 1 + 2 ** -52]) v.push(t * f);
        }
        v.push(NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, Number.MAX_VALUE, 5e-324);
        for (const shift of [0, 1, 5]) {
          const x = new Float64Array(v.length + 16);
          x.set(v, shift);
          const [a, b] = [new Codes(x.length), new Codes(x.length)];
          wasm.quantizeTensor(x, scale, zp, spec, a);
          referenceBackend.quantizeTensor(x, scale, zp, spec, b);
          expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `float64 scale ${scale} ${JSON.stringify(spec)} shift ${shift}`).toBe(true);
          expect(wasm.minMax(x)).toEqual(referenceBackend.minMax(x));
          expect(wasm.absMax(x)).toEqual(referenceBackend.absMax(x));
        }
      }
    }
    for (const [, Codes] of SPECS) {
      const q = new Codes(1003).map((_, i) => (i * 7919) % 251);
      for (const scale of [0.1, 3, 1e-300]) {
        const [a, b] = [new Float64Array(q.length), new Float64Array(q.length)];
        wasm.dequantizeTensor(q, scale, 7, a);
        referenceBackend.dequantizeTensor(q, scale, 7, b);
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `dequantize to float64 ${Codes.name} ${scale}`).toBe(true);
      }
    }
  });

  it('per-element parameters (per-channel on the last axis): every lane its own scale and zero point, near every tie', () => {
    // quantize_groups (native/src/kernels/simd128/quantize.h) on channels whose scales span tiny to huge and whose zero
    // points differ, with values at and one ulp around each channel's half-integer quotients, and specials.
    const channels = 37; // > 16: each row runs the vector body and its tail
    for (const [spec, Codes] of SPECS) {
      for (const profile of ['onnx', 'pytorch'] as const) {
        const s = { ...spec, profile };
        const scales = Float32Array.from({ length: channels }, (_, c) => [0.1, 0.0234, 3, 1e-20, 1e30, Math.fround(6 / 255)][c % 6]! * (1 + c / 7));
        const zps = Int32Array.from({ length: channels }, (_, c) => Math.min(spec.qmax, Math.max(spec.qmin, spec.qmin + ((c * 37) % (spec.qmax - spec.qmin + 1)))));
        const rows = 300;
        const x = new Float32Array(rows * channels);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < channels; c++) {
            const k = spec.qmin - zps[c]! - 2 + (r % (spec.qmax - spec.qmin + 5));
            const t = Math.fround((k + 0.5) * scales[c]!);
            const u = new Uint32Array(new Float32Array([t]).buffer);
            u[0] = u[0]! + ((r % 3) - 1);
            x[r * channels + c] = r % 50 === 7 ? [NaN, Infinity, -Infinity, 0, -0][c % 5]! : new Float32Array(u.buffer)[0]!;
          }
        }
        const layout = { outer: rows, channels, inner: 1 };
        const [a, b] = [new Codes(x.length), new Codes(x.length)];
        wasm.quantizeAxis(x, scales, zps, layout, s, a);
        referenceBackend.quantizeAxis(x, scales, zps, layout, s, b);
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `quantizeAxis ${JSON.stringify(s)}`).toBe(true);
        const half = new Uint16Array(rows * channels).map((_, i) => (i * 40503) & 0xffff);
        for (const dtype of ['float16', 'bfloat16'] as const) {
          wasm.quantizeAxisHalf(half, dtype, scales, zps, layout, s, a);
          referenceBackend.quantizeAxisHalf(half, dtype, scales, zps, layout, s, b);
          expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `quantizeAxisHalf ${dtype} ${JSON.stringify(s)}`).toBe(true);
        }
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
