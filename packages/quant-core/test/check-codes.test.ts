import { describe, expect, it } from 'vitest';
import { checkQuantizedTensor, dequantize, ErrorCodes, errorCodeOf, quantize, type QuantizedTensor } from './helpers/api.js';

/*
 * Issue 19: dequantize does not read the codes, so a symmetric 8-bit tensor relabelled 4-bit dequantizes codes up to
 * 127. Checking every code costs about as much as the reference dequantize itself, so dequantize keeps not doing it
 * (SPEC §8) and checkQuantizedTensor is the explicit check for tensors from untrusted sources.
 */

const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 5);

describe('checkQuantizedTensor', () => {
  it('finds a code outside the claimed bits, which dequantize reads as it is', () => {
    const int8 = quantize(x, { scheme: 'symmetric', bits: 8 });
    const relabelled: QuantizedTensor = { ...int8, bits: 4 };
    expect(Array.from(int8.data).some((q) => Math.abs(q) > 7)).toBe(true);
    expect(dequantize(relabelled)).toEqual(dequantize(int8));
    expect(errorCodeOf(() => checkQuantizedTensor(relabelled))).toBe(ErrorCodes.BITS);
  });

  it('finds the excluded lowest code of a narrow range, unpacked and packed', () => {
    const narrow = quantize(x, { scheme: 'symmetric', bits: 8, narrowRange: true });
    expect(checkQuantizedTensor(narrow)).toBe(narrow);
    const data = Int8Array.from(narrow.data);
    data[5] = -128;
    expect(errorCodeOf(() => checkQuantizedTensor({ ...narrow, data }))).toBe(ErrorCodes.BITS);
    const packed = quantize(x, { scheme: 'symmetric', bits: 4, narrowRange: true, packed: true });
    expect(checkQuantizedTensor(packed)).toBe(packed);
    const bytes = Uint8Array.from(packed.data);
    bytes[3] = (bytes[3]! & 0x0f) | 0x80; // element 7 = -8, outside [-7, 7]
    expect(errorCodeOf(() => checkQuantizedTensor({ ...packed, data: bytes }))).toBe(ErrorCodes.BITS);
  });

  it('finds non-zero padding bits of packed data', () => {
    const packed = quantize(x.subarray(0, 63), { bits: 4, packed: true });
    expect(checkQuantizedTensor(packed)).toBe(packed);
    const bytes = Uint8Array.from(packed.data);
    bytes[31] = bytes[31]! | 0xf0;
    expect(errorCodeOf(() => checkQuantizedTensor({ ...packed, data: bytes }))).toBe(ErrorCodes.PACKED);
  });

  it('accepts every tensor quantize makes, and checks the other fields as dequantize does', () => {
    for (const options of [{}, { bits: 3 }, { scheme: 'symmetric', bits: 12 }, { bits: 2, packed: true }, { shape: [8, 8], granularity: { axis: 1 } }] as const) {
      const t = quantize(x, options);
      expect(checkQuantizedTensor(t)).toBe(t);
    }
    expect(errorCodeOf(() => checkQuantizedTensor({ ...quantize(x), scale: 0 }))).toBe(ErrorCodes.SCALE);
    expect(errorCodeOf(() => checkQuantizedTensor({ ...quantize(x), bits: 17 }))).toBe(ErrorCodes.BITS);
    expect(errorCodeOf(() => checkQuantizedTensor({ ...quantize(x), shape: [65] }))).toBe(ErrorCodes.SHAPE);
  });
});
