import { describe, expect, it } from 'vitest';
import { dequantize, ErrorCodes, errorCodeOf, quantize, type QuantizeOptions } from './helpers/api.js';

/** quantize({ out }) writes the codes into the caller's array and returns it as the data; nothing else changes. */

const x = Float32Array.from({ length: 37 }, (_, i) => Math.sin(i) * 10 + i / 7);

const cases: { name: string; options: QuantizeOptions; out: () => Uint8Array | Int8Array | Uint16Array | Int16Array }[] = [
  { name: 'affine uint8', options: {}, out: () => new Uint8Array(37) },
  { name: 'symmetric int8', options: { scheme: 'symmetric' }, out: () => new Int8Array(37) },
  { name: 'affine 12-bit', options: { bits: 12 }, out: () => new Uint16Array(37) },
  { name: 'symmetric 16-bit', options: { scheme: 'symmetric', bits: 16 }, out: () => new Int16Array(37) },
  { name: 'per-channel', options: { shape: [37, 1], granularity: { axis: 0 } }, out: () => new Uint8Array(37) },
  { name: 'packed 4-bit', options: { bits: 4, packed: true }, out: () => new Uint8Array(19) },
  { name: 'packed signed 2-bit', options: { scheme: 'symmetric', bits: 2, packed: true }, out: () => new Uint8Array(10) },
];

describe('quantize into a caller-provided out', () => {
  for (const c of cases) {
    it(`${c.name}: same tensor as without out, with out as its data`, () => {
      const fresh = quantize(x, c.options);
      const out = c.out().fill(0x5a);
      const into = quantize(x, { ...c.options, out });
      expect(into.data).toBe(out);
      expect(Array.from(into.data)).toEqual(Array.from(fresh.data));
      expect({ ...into, data: undefined }).toEqual({ ...fresh, data: undefined });
      expect(Array.from(dequantize(into))).toEqual(Array.from(dequantize(fresh)));
    });
  }

  it('a view at an offset of a shared buffer that does not overlap x', () => {
    const memory = new ArrayBuffer(4 * 37 + 40);
    const input = new Float32Array(memory, 0, 37);
    input.set(x);
    const out = new Uint8Array(memory, 4 * 37 + 3, 37);
    expect(Array.from(quantize(input, { out }).data)).toEqual(Array.from(quantize(x).data));
    expect(Array.from(input)).toEqual(Array.from(x));
  });

  it('rejects outputs of the wrong type or length, and outputs overlapping x', () => {
    expect(errorCodeOf(() => quantize(x, { out: new Uint8Array(36) }))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => quantize(x, { out: new Int8Array(37) }))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => quantize(x, { out: new Uint8ClampedArray(37) as unknown as Uint8Array }))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => quantize(x, { bits: 4, packed: true, out: new Uint8Array(37) }))).toBe(ErrorCodes.OUTPUT);
    const memory = new ArrayBuffer(200);
    const input = new Float32Array(memory, 0, 37);
    expect(errorCodeOf(() => quantize(input, { out: new Uint8Array(memory, 4 * 37 - 1, 37) }))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => quantize(input, { out: new Uint8Array(memory, 0, 37) }))).toBe(ErrorCodes.OUTPUT);
  });

  it('an invalid out leaves it untouched', () => {
    const out = new Uint8Array(36).fill(7);
    expect(errorCodeOf(() => quantize(x, { out }))).toBe(ErrorCodes.OUTPUT);
    expect(out.every((v) => v === 7)).toBe(true);
  });

  it('dequantize refuses an out that overlaps the codes', () => {
    const memory = new ArrayBuffer(64);
    const codes = new Uint8Array(memory, 0, 8);
    const qt = { ...quantize(new Float32Array(8).fill(1)), data: codes };
    expect(errorCodeOf(() => dequantize(qt, new Float32Array(memory, 4, 8)))).toBe(ErrorCodes.OUTPUT);
    expect(Array.from(dequantize(qt, new Float32Array(memory, 8, 8)))).toEqual(Array.from(dequantize(qt)));
  });
});
