import { describe, expect, it } from 'vitest';
import { dequantize, kernels, quantize, storageSpec, unpackCodes } from './helpers/api.js';
import { dequantizeCases, hex, INT_TYPES, optionsOf, quantizeCases } from './helpers/onnx-cases.js';

describe('ONNX backend test vectors (QuantizeLinear)', () => {
  it('covers every integer QuantizeLinear case of the ONNX backend tests', () => {
    expect(quantizeCases.map((c) => c.output.dtype).sort()).toEqual(['int16', 'int16', 'int2', 'int4', 'uint16', 'uint2', 'uint4', 'uint8', 'uint8', 'uint8'].sort());
  });

  for (const c of quantizeCases) {
    it(`${c.name} (${c.granularity}, ${c.output.dtype})`, () => {
      const opts = optionsOf(c, c.output.dtype);
      const qt = quantize(new Float32Array(c.inputs.x.data), opts);
      const t = INT_TYPES[c.output.dtype]!;
      expect(Array.from(unpackCodes(qt))).toEqual(c.output.data);
      if (t.packed) expect(hex(qt.data as Uint8Array)).toBe(c.output.packed_hex);
    });
  }
});

describe('ONNX backend test vectors (DequantizeLinear)', () => {
  it('covers every integer DequantizeLinear case', () => {
    expect(dequantizeCases.length).toBe(9);
  });

  for (const c of dequantizeCases) {
    it(`${c.name} (${c.granularity}, ${c.inputs.x.dtype})`, () => {
      const opts = optionsOf(c, c.inputs.x.dtype);
      const t = INT_TYPES[c.inputs.x.dtype]!;
      const spec = storageSpec(t.scheme, t.bits, false, t.packed);
      let data: Int8Array | Uint8Array | Int16Array | Uint16Array;
      if (t.packed) {
        data = new Uint8Array(Buffer.from(c.inputs.x.packed_hex!, 'hex'));
      } else {
        const Ctor = t.bits <= 8 ? (spec.signed ? Int8Array : Uint8Array) : spec.signed ? Int16Array : Uint16Array;
        data = new Ctor(c.inputs.x.data);
      }
      const out = dequantize({
        data,
        scale: typeof opts.scale === 'number' ? opts.scale : new Float32Array(opts.scale as number[]),
        zeroPoint: typeof opts.zeroPoint === 'number' ? opts.zeroPoint : opts.zeroPoint === undefined ? (opts.granularity === 'tensor' ? 0 : new Int32Array(c.inputs.scale.data.length)) : new Int32Array(opts.zeroPoint as number[]),
        scheme: t.scheme,
        bits: t.bits,
        shape: c.inputs.x.shape,
        ...(opts.granularity !== 'tensor' ? opts.granularity as { axis: number; blockSize?: number } : {}),
        packed: t.packed,
        narrowRange: false,
        profile: 'onnx',
        dtype: 'float32',
      });
      expect(out).toBeInstanceOf(Float32Array);
      expect(Array.from(out)).toEqual(c.output.data);
    });
  }

  it('the kernel API gives the same bytes as the high-level API on the per-tensor case', () => {
    const c = dequantizeCases.find((k) => k.name === 'test_dequantizelinear')!;
    const out = new Float32Array(4);
    kernels.dequantizeTensor(new Uint8Array(c.inputs.x.data), 2, 128, out);
    expect(Array.from(out)).toEqual(c.output.data);
  });
});
