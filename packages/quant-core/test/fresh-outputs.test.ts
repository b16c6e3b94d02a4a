import { describe, expect, it, vi } from 'vitest';
import { createQuantApi, referenceBackend, type Backend } from '../src/index.js';
import { arrayToOverwrite } from '../src/fresh-array.js';

/*
 * Issue 20: outputs the API returns come from memory that is not zero-filled (fresh-array.ts), and fakeQuantize(x)
 * per tensor runs the values-only kernel (fakeQuantizeTensorValues) instead of the fused kernel with metrics.
 * Both must be invisible: exact lengths, buffers of their own, and the very values of the fused kernel.
 */

describe('arrayToOverwrite', () => {
  for (const [type, length] of [[Float32Array, 5], [Float32Array, 300_000], [Uint8Array, 65_536], [Int16Array, 40_000], [Float64Array, 1_000_000]] as const) {
    it(`${type.name}(${length}): its own ArrayBuffer of exactly its bytes`, () => {
      const a = arrayToOverwrite(type, length);
      expect(a).toBeInstanceOf(type);
      expect(a.length).toBe(length);
      expect(a.byteOffset).toBe(0);
      expect(a.buffer.byteLength).toBe(length * type.BYTES_PER_ELEMENT);
      expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    });
  }
});

/** A reference backend whose kernels are counted. */
function countingBackend(): { backend: Backend; fused: ReturnType<typeof vi.fn>; values: ReturnType<typeof vi.fn>; quantize: ReturnType<typeof vi.fn> } {
  const fused = vi.fn(referenceBackend.fakeQuantizeTensor);
  const values = vi.fn(referenceBackend.fakeQuantizeTensorValues);
  const quantize = vi.fn(referenceBackend.quantizeTensor);
  return { backend: { ...referenceBackend, fakeQuantizeTensor: fused, fakeQuantizeTensorValues: values, quantizeTensor: quantize } as Backend, fused, values, quantize };
}

describe('fakeQuantize(x) per tensor through the values-only kernel', () => {
  const lengths = [0, 1, 7, 4095, 4096, 4097, 300_001];
  const options = [
    { name: 'affine u8, range given', o: { range: { min: -2.5, max: 3 } } },
    { name: 'symmetric int8, min/max', o: { scheme: 'symmetric' as const } },
    { name: 'affine 12-bit, pytorch profile', o: { bits: 12, profile: 'pytorch' as const } },
    { name: 'symmetric 16-bit float64', o: { scheme: 'symmetric' as const, bits: 16 }, f64: true },
    { name: 'packed 4-bit', o: { bits: 4, packed: true } },
  ];
  for (const n of lengths) {
    for (const c of options) {
      it(`${n} elements, ${c.name}: the fused kernel's values, in one call of the values-only kernel`, () => {
        const data = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NaN : i % 13 === 0 ? -0 : Math.sin(i * 0.37) * 3));
        const x = c.f64 ? Float64Array.from(data) : Float32Array.from(data);
        const { backend, fused, values: valuesKernel, quantize } = countingBackend();
        const api = createQuantApi(backend);
        const values = api.fakeQuantize(x, c.o);
        expect(fused).not.toHaveBeenCalled();
        expect(quantize).not.toHaveBeenCalled();
        expect(valuesKernel).toHaveBeenCalledTimes(1);
        const expected = createQuantApi(referenceBackend).fakeQuantizeWithError(x, c.o).values;
        expect(values.constructor).toBe(x.constructor);
        expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true);
      });
    }
  }

  it('a backend without capabilities.fakeQuantize: quantize then dequantize, the same values', () => {
    const { backend, values: valuesKernel, quantize } = countingBackend();
    const api = createQuantApi({ ...backend, capabilities: { ...backend.capabilities, fakeQuantize: false } } as Backend);
    const x = Float32Array.from({ length: 5000 }, (_, i) => (i % 17 === 0 ? Infinity : Math.cos(i) * 7));
    const got = api.fakeQuantize(x, { range: { min: -7, max: 7 } });
    expect(valuesKernel).not.toHaveBeenCalled();
    expect(quantize).toHaveBeenCalledTimes(1);
    expect(Array.from(got)).toEqual(Array.from(createQuantApi(referenceBackend).fakeQuantizeWithError(x, { range: { min: -7, max: 7 } }).values));
  });

  it('two calls in a row reuse no output: each result keeps its values', () => {
    const api = createQuantApi(referenceBackend);
    const a = api.fakeQuantize(Float32Array.from({ length: 1000 }, (_, i) => i / 100), { range: { min: 0, max: 10 } });
    const copy = Float32Array.from(a);
    const b = api.fakeQuantize(Float32Array.from({ length: 1000 }, () => 5), { range: { min: 0, max: 10 } });
    expect(b).not.toBe(a);
    expect(Array.from(a)).toEqual(Array.from(copy));
  });
});
