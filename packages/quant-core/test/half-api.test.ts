import { describe, expect, it } from 'vitest';
import {
  bfloat16ToNumber,
  computeQParams,
  dequantize,
  errorCodeOf,
  fakeQuantize,
  fakeQuantizeWithError,
  float16ToNumber,
  numberToBfloat16,
  numberToFloat16,
  quantizationError,
  quantize,
  roundToHalf,
  widenHalf,
  type HalfDType,
} from './helpers/api.js';

// Half-precision tensors through the API (SPEC §12): a Uint16Array of float16 / bfloat16 bits quantizes exactly like
// its float32 widening would with a scale that is a value of the half type. (onnxruntime proves the float16 case bit
// for bit in packages/quant-conformance's oracle tests.)

function halves(dtype: HalfDType, values: readonly number[]): Uint16Array {
  return Uint16Array.from(values, dtype === 'float16' ? numberToFloat16 : numberToBfloat16);
}

function widened(bits: Uint16Array, dtype: HalfDType): Float32Array {
  const out = new Float32Array(bits.length);
  widenHalf(bits, dtype, 0, bits.length, out);
  return out;
}

const values = Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.7) * (1 + (i % 13)) * 0.37);

describe('half-precision inputs', () => {
  for (const dtype of ['float16', 'bfloat16'] as const) {
    for (const [scheme, bits, granularity, shape] of [
      ['affine', 8, 'tensor', [300]],
      ['symmetric', 8, { axis: 0 }, [10, 30]],
      ['affine', 4, { axis: 1, blockSize: 32 }, [3, 100]],
      ['symmetric', 12, { axis: 1, blockSize: 7 }, [30, 10]],
    ] as const) {
      it(`${dtype} ${scheme} ${bits}-bit ${JSON.stringify(granularity)}: the float32 widening with ${dtype} scales`, () => {
        const x = halves(dtype, values);
        const opts = { scheme, bits, granularity, shape, dtype };
        const qt = quantize(x, opts);
        expect(qt.dtype).toBe(dtype);
        const scales = typeof qt.scale === 'number' ? [qt.scale] : Array.from(qt.scale);
        for (const s of scales) expect(roundToHalf(s, dtype)).toBe(s);
        // The same codes from the float32 widening with those parameters given explicitly.
        const f32 = widened(x, dtype);
        const again = quantize(f32, { scheme, bits, granularity, shape, scale: qt.scale, zeroPoint: qt.zeroPoint });
        expect(again.data).toStrictEqual(qt.data);
        // Parameters: the float32 rule's range, with the quotient rounded once to the half type.
        const p32 = computeQParams(f32, { scheme, bits, granularity, shape });
        expect(computeQParams(x, opts).scale).toStrictEqual(qt.scale);
        const raw = typeof p32.scale === 'number' ? [p32.scale] : Array.from(p32.scale);
        expect(scales.every((s, i) => Math.abs(s - raw[i]!) <= raw[i]! * (dtype === 'float16' ? 2 ** -10 : 2 ** -7))).toBe(true);
      });
    }

    it(`${dtype}: dequantize gives float32 by default, ${dtype} bits on request (one rounding of the exact product)`, () => {
      const x = halves(dtype, values);
      const qt = quantize(x, { dtype, bits: 16 });
      const f32 = dequantize(qt);
      expect(f32).toBeInstanceOf(Float32Array);
      const bitsOut = dequantize(qt, { dtype });
      expect(bitsOut).toBeInstanceOf(Uint16Array);
      const exact = dequantize(qt, new Float64Array(x.length));
      const round = dtype === 'float16' ? numberToFloat16 : numberToBfloat16;
      expect(Array.from(bitsOut)).toStrictEqual(Array.from(exact, round));
      // A Uint16Array out takes the tensor's own half type.
      const out = new Uint16Array(x.length);
      expect(dequantize(qt, out)).toBe(out); // the caller's array itself
      expect(out).toStrictEqual(bitsOut);
      // fakeQuantize of a half input is that, in the input's type; its error is measured on the widened values.
      const fq = fakeQuantize(x, { dtype, bits: 16 });
      expect(fq).toStrictEqual(bitsOut);
      const r = fakeQuantizeWithError(x, { dtype, bits: 16 });
      expect(r.values).toStrictEqual(bitsOut);
      expect(r.error).toStrictEqual(quantizationError(widened(x, dtype), widened(bitsOut, dtype)));
    });

    it(`${dtype}: an explicit scale is rounded to ${dtype}`, () => {
      const x = halves(dtype, [0.5, -1, 2]);
      const qt = quantize(x, { dtype, scale: 0.01, zeroPoint: 128 });
      expect(qt.scale).toBe(dtype === 'float16' ? float16ToNumber(numberToFloat16(0.01)) : bfloat16ToNumber(numberToBfloat16(0.01)));
    });
  }

  it('float16 scales of tiny ranges are float16 subnormals, never below 2^-24', () => {
    const tiny = halves('float16', [1e-5, -2e-5, 3e-6]);
    const qt = quantize(tiny, { dtype: 'float16', scheme: 'symmetric' });
    expect(qt.scale).toBe(float16ToNumber(numberToFloat16(2e-5 / 127)));
    expect(qt.scale as number).toBeLessThan(2 ** -14);
    const zero = quantize(new Uint16Array([0x0001, 0x8000]), { dtype: 'float16', scheme: 'symmetric' });
    expect(zero.scale).toBe(2 ** -24);
  });

  it('refuses ambiguous or contradictory inputs with clear errors', () => {
    expect(errorCodeOf(() => quantize(new Uint16Array(4)))).toBe('ERR_QUANT_OPTION');
    expect(() => quantize(new Uint16Array(4))).toThrow(/pass dtype: 'float16' or 'bfloat16'/);
    expect(errorCodeOf(() => quantize(new Uint16Array(4), { dtype: 'float8' as never }))).toBe('ERR_QUANT_OPTION');
    expect(errorCodeOf(() => quantize(new Float32Array(4), { dtype: 'float16' }))).toBe('ERR_QUANT_OPTION');
    expect(quantize(new Float32Array(4), { dtype: 'float32' }).dtype).toBe('float32');
    const f32 = quantize(new Float32Array([1, 2]));
    expect(errorCodeOf(() => dequantize(f32, new Uint16Array(2)))).toBe('ERR_QUANT_OPTION');
    expect(dequantize(f32, { out: new Uint16Array(2), dtype: 'bfloat16' })).toBeInstanceOf(Uint16Array);
    const half = quantize(halves('float16', [1, 2]), { dtype: 'float16' });
    expect(errorCodeOf(() => dequantize({ ...half, scale: 0.1 }))).toBe('ERR_QUANT_SCALE'); // not a float16 value
    expect(errorCodeOf(() => dequantize(half, { dtype: 'float8' as never }))).toBe('ERR_QUANT_OPTION');
  });
});
