import { describe, expect, it, vi } from 'vitest';
import { createQuantApi, referenceBackend, type Backend } from '../src/index.js';
import { FAKE_QUANTIZE_CHUNK, FAKE_QUANTIZE_LARGE_CHUNK } from '../src/fake-quantize-chunks.js';
import { arrayToOverwrite } from '../src/fresh-array.js';

/*
 * Issue 20: outputs the API returns come from memory that is not zero-filled (fresh-array.ts), and fakeQuantize(x)
 * per tensor runs quantize + dequantize in chunks instead of the fused kernel with metrics (fake-quantize-chunks.ts).
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
function countingBackend(): { backend: Backend; fused: ReturnType<typeof vi.fn>; quantize: ReturnType<typeof vi.fn> } {
  const fused = vi.fn(referenceBackend.fakeQuantizeTensor);
  const quantize = vi.fn(referenceBackend.quantizeTensor);
  return { backend: { ...referenceBackend, fakeQuantizeTensor: fused, quantizeTensor: quantize } as Backend, fused, quantize };
}

describe('fakeQuantize(x) per tensor in chunks', () => {
  const lengths = [0, 1, 7, FAKE_QUANTIZE_CHUNK - 1, FAKE_QUANTIZE_CHUNK, FAKE_QUANTIZE_CHUNK + 1, FAKE_QUANTIZE_LARGE_CHUNK + 3];
  const options = [
    { name: 'affine u8, range given', o: { range: { min: -2.5, max: 3 } } },
    { name: 'symmetric int8, min/max', o: { scheme: 'symmetric' as const } },
    { name: 'affine 12-bit, pytorch profile', o: { bits: 12, profile: 'pytorch' as const } },
    { name: 'symmetric 16-bit float64', o: { scheme: 'symmetric' as const, bits: 16 }, f64: true },
    { name: 'packed 4-bit', o: { bits: 4, packed: true } },
  ];
  for (const n of lengths) {
    for (const c of options) {
      it(`${n} elements, ${c.name}: the fused kernel's values, without calling it`, () => {
        const data = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NaN : i % 13 === 0 ? -0 : Math.sin(i * 0.37) * 3));
        const x = c.f64 ? Float64Array.from(data) : Float32Array.from(data);
        const { backend, fused, quantize } = countingBackend();
        const api = createQuantApi(backend);
        const values = api.fakeQuantize(x, c.o);
        expect(fused).not.toHaveBeenCalled();
        expect(quantize).toHaveBeenCalledTimes(n === 0 ? 0 : n <= FAKE_QUANTIZE_CHUNK ? 1 : Math.ceil(n / FAKE_QUANTIZE_LARGE_CHUNK));
        const expected = createQuantApi(referenceBackend).fakeQuantizeWithError(x, c.o).values;
        expect(values.constructor).toBe(x.constructor);
        expect(Buffer.from(values.buffer, values.byteOffset, values.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true);
      });
    }
  }

  it('two calls in a row reuse no output: each result keeps its values', () => {
    const api = createQuantApi(referenceBackend);
    const a = api.fakeQuantize(Float32Array.from({ length: 1000 }, (_, i) => i / 100), { range: { min: 0, max: 10 } });
    const copy = Float32Array.from(a);
    const b = api.fakeQuantize(Float32Array.from({ length: 1000 }, () => 5), { range: { min: 0, max: 10 } });
    expect(b).not.toBe(a);
    expect(Array.from(a)).toEqual(Array.from(copy));
  });
});
