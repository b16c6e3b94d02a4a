import { expect, it } from 'vitest';
import { QuantError } from '@quantkit/quant-core';
import { kernels, NativeErrorCodes } from '../src/index.js';
import { codeOf, describeNative, descriptor, descriptorSlots, rawEngine } from './helpers.js';

describeNative('the addon checks, in C++, everything that decides which memory it touches', () => {
  const q = (scale: number, zeroPoint: number, qmin: number, qmax: number, profile = 0) => descriptor({ scale, zeroPoint, qmin, qmax, profile });
  const axis = (outer: number, dim: number, inner: number, qmin = 0, qmax = 255) => descriptor({ outer, dim, inner, qmin, qmax });
  const blocked = (outer: number, dim: number, inner: number, blockSize: number, qmin = 0, qmax = 255) => descriptor({ outer, dim, inner, blockSize, qmin, qmax });
  const x = new Float32Array(100).fill(1);
  const big = new Float32Array(200_000).fill(1);

  it('too-short and too-long outputs throw ERR_QUANT_OUTPUT and write nothing', () => {
    const e = rawEngine();
    for (const out of [new Uint8Array(99), new Uint8Array(101), new Uint8Array(0)]) {
      out.fill(9);
      expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
      expect(out.every((v) => v === 9)).toBe(true);
    }
    const short = new Uint8Array(199_999).fill(9);
    expect(codeOf(() => e.quantizeTensor!(big, short, q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
    expect(short.every((v) => v === 9)).toBe(true);
    expect(codeOf(() => e.dequantizeTensor!(new Int8Array(10), new Float32Array(9), descriptor({ scale: 1 })))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensor!(x, new Float32Array(99), q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensor!(x, new Float64Array(100), q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensorValues!(x, new Float32Array(99), q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensorValues!(x, new Float64Array(100), q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMaxAxis!(x, new Float64Array(9), new Float64Array(10), axis(1, 10, 10)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMaxBlocked!(x, new Float64Array(15), new Float64Array(14), blocked(1, 100, 1, 7)))).toBe('ERR_QUANT_OUTPUT');
  });

  it('a descriptor of the wrong type or length is refused', () => {
    const e = rawEngine();
    const out = new Uint8Array(100);
    expect(codeOf(() => e.quantizeTensor!(x, out, new Uint8Array(descriptorSlots().length * 8 - 1)))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.quantizeTensor!(x, out, new Uint8Array(descriptorSlots().length * 8 + 8)))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.quantizeTensor!(x, out, new Float64Array(descriptorSlots().length)))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.quantizeTensor!(x, out, new Int8Array(descriptorSlots().length * 8)))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.quantizeTensor!(x, out))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.minMax!(x, { min: 0 }))).toBe(NativeErrorCodes.ARGUMENT);
  });

  it('wrong array types throw with the input or output code', () => {
    const e = rawEngine();
    const call = e.quantizeTensor!;
    const spec = q(1, 0, 0, 255);
    expect(codeOf(() => call([1, 2, 3], new Uint8Array(3), spec))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => call(new Int32Array(3), new Uint8Array(3), spec))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => call(new Float32Array(3), new Float32Array(3), spec))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => call(new Float32Array(3), new Uint8ClampedArray(3), spec))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => call(new Float32Array(3), new DataView(new ArrayBuffer(3)), spec))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => call(new Float32Array(3)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.pack!(new Int16Array(4), new Uint8Array(2), descriptor({ bits: 4 })))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => e.unpack!(new Int8Array(2), new Int8Array(4), descriptor({ bits: 4, signed: 1 })))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => e.unpack!(new Uint8Array(2), new Int16Array(4), descriptor({ bits: 4, signed: 1 })))).toBe('ERR_QUANT_OUTPUT');
  });

  it('layouts whose product does not match, overflows, or has no blocks throw', () => {
    const e = rawEngine();
    const s = new Float32Array(10).fill(1);
    const z = new Int32Array(10);
    const out = new Uint8Array(100);
    expect(codeOf(() => e.quantizeAxis!(x, s, z, out, axis(1, 10, 11)))).toBe('ERR_QUANT_SHAPE');
    // 2^32 * 2^32 * 0 would be 0 without the overflow check on the first product.
    expect(codeOf(() => e.quantizeAxis!(x, s, z, out, axis(2 ** 32, 2 ** 32, 0)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.minMaxAxis!(new Float32Array(0), new Float64Array(0), new Float64Array(0), axis(2 ** 40, 2 ** 40, 0)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.quantizeAxis!(x, s, z, out, axis(-1, 10, 10)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.quantizeAxis!(x, s, z, out, axis(1.5, 10, 10)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.quantizeBlocked!(x, s, z, out, blocked(1, 100, 1, 0)))).toBe('ERR_QUANT_BLOCK_SIZE');
    expect(codeOf(() => e.dequantizeBlocked!(new Uint8Array(100), s, z, new Float32Array(100), blocked(1, 100, 1, 0)))).toBe('ERR_QUANT_BLOCK_SIZE');
  });

  it('scale and zero-point arrays must hold one element per group', () => {
    const e = rawEngine();
    const out = new Uint8Array(100);
    expect(codeOf(() => e.quantizeAxis!(x, new Float32Array(9), new Int32Array(10), out, axis(1, 10, 10)))).toBe('ERR_QUANT_SCALE');
    expect(codeOf(() => e.quantizeAxis!(x, new Float32Array(10), new Int32Array(9), out, axis(1, 10, 10)))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.quantizeAxis!(x, new Float32Array(10), new Float64Array(10), out, axis(1, 10, 10)))).toBe('ERR_QUANT_ZERO_POINT');
    // 100 elements in blocks of 7 along dim 100: 15 groups.
    expect(codeOf(() => e.quantizeBlocked!(x, new Float32Array(14), new Int32Array(15), out, blocked(1, 100, 1, 7)))).toBe('ERR_QUANT_SCALE');
    expect(codeOf(() => e.dequantizeAxis!(out, new Float64Array(10), new Int32Array(11), new Float32Array(100), axis(1, 10, 10)))).toBe('ERR_QUANT_ZERO_POINT');
  });

  it('integer ranges, profiles and packing parameters are checked', () => {
    const e = rawEngine();
    const out = new Int8Array(100);
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0, -129, 127)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0, 0, 255)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0, 5, 4)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0, -128.5, 127)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 200, -128, 127)))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0.5, -128, 127)))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.quantizeTensor!(x, out, q(1, 0, -128, 127, 2)))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => e.dequantizeTensor!(new Int8Array(2), new Float32Array(2), descriptor({ scale: 1, zeroPoint: 2 ** 31 })))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.fakeQuantizeTensor!(x, new Float32Array(100), q(1, 0, -40000, 0)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.fakeQuantizeTensorValues!(x, new Float32Array(100), q(1, 0, -40000, 0)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.pack!(new Int8Array(5), new Uint8Array(2), descriptor({ bits: 3 })))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.pack!(new Int8Array(5), new Uint8Array(2), descriptor({ bits: 4 })))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.pack!(new Int8Array(5), new Uint8Array(1), descriptor({ bits: 2 })))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.unpack!(new Uint8Array(2), new Uint8Array(5), descriptor({ bits: 4 })))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.unpack!(new Uint8Array(3), new Uint8Array(5), descriptor({ bits: 4, signed: 0.5 })))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.histogram!(x, new Uint32Array(4), descriptor({ min: 1, max: 0 })))).toBe('ERR_QUANT_RANGE');
    expect(codeOf(() => e.absHistogram!(x, new Uint32Array(4), descriptor({ min: -1, max: 1 })))).toBe('ERR_QUANT_RANGE');
  });

  it('async calls check the same things synchronously, plus their cancel flag and resizable buffers', () => {
    const e = rawEngine();
    expect(codeOf(() => e.quantizeTensorAsync!(x, new Uint8Array(99), q(1, 0, 0, 255)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMaxAxisAsync!(x, new Float64Array(10), new Float64Array(11), axis(1, 10, 10)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.quantizeTensorAsync!(x, new Uint8Array(100), q(1, 0, 0, 255), new Uint32Array(1)))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.quantizeTensorAsync!(x, new Uint8Array(100), q(1, 0, 0, 255), new Int32Array(0)))).toBe(NativeErrorCodes.ARGUMENT);
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    const resizable = new Float32Array(new Resizable(400, { maxByteLength: 800 }));
    expect(codeOf(() => e.quantizeTensorAsync!(resizable, new Uint8Array(100), q(1, 0, 0, 255)))).toBe(NativeErrorCodes.ARGUMENT);
    // The sync path has no such concern: nothing can resize the buffer while it runs.
    e.quantizeTensor!(resizable, new Uint8Array(100), q(1, 0, 0, 255));
  });

  it('a descriptor at an odd byte offset is read and written byte-wise (no misaligned access)', () => {
    const e = rawEngine();
    const backing = new Uint8Array(descriptorSlots().length * 8 + 3);
    const bytes = backing.subarray(3);
    bytes.set(q(1, 0, 0, 255));
    const out = new Uint8Array(100);
    e.quantizeTensor!(x, out, bytes);
    expect(out.every((v) => v === 1)).toBe(true);
    const r = descriptor({});
    backing.set(r, 3);
    e.minMax!(Float32Array.of(-2, 5), backing.subarray(3));
    const result = new Float64Array(backing.slice(3).buffer);
    expect([result[descriptorSlots().indexOf('min')], result[descriptorSlots().indexOf('max')]]).toEqual([-2, 5]);
  });

  it('views on SharedArrayBuffers and at any offset are accepted, and only their own bytes are touched', () => {
    const e = rawEngine();
    const shared = new SharedArrayBuffer(64);
    const bytes = new Uint8Array(shared).fill(0xee);
    const view = new Float32Array(shared, 4, 3);
    view.set([1, 2, 3]);
    const out = new Int8Array(shared, 17, 3);
    e.quantizeTensor!(view, out, q(1, 0, -128, 127));
    expect(Array.from(out)).toStrictEqual([1, 2, 3]);
    expect(bytes[16]).toBe(0xee);
    expect(bytes[20]).toBe(0xee);
  });

  it('the validated kernel API rejects bad values before they reach C++', () => {
    const error = (() => {
      try {
        kernels.quantizeTensor(x, -1, 0, { qmin: 0, qmax: 255, profile: 'onnx' }, new Uint8Array(100));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(QuantError);
    expect((error as QuantError).code).toBe('ERR_QUANT_SCALE');
  });
});
