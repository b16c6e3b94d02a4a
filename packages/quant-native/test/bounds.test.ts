import { expect, it } from 'vitest';
import { QuantError } from '@quantkit/quant-core';
import { kernels, NativeErrorCodes, type NativeEngine } from '../src/index.js';
import { describeNative, native } from './helpers.js';

/** The `code` of what f throws (and that it throws an Error, not crash the process). */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as { code: string }).code;
  }
  throw new Error('expected an error');
}

describeNative('the addon checks, in C++, everything that decides which memory it touches', () => {
  // Called raw, with arguments TypeScript validation would never let through.
  const raw = (): NativeEngine => native.loaded!.addon.createEngine('auto', 2);
  const x = new Float32Array(100).fill(1);
  const big = new Float32Array(200_000).fill(1);

  it('too-short and too-long outputs throw ERR_QUANT_OUTPUT and write nothing', () => {
    const e = raw();
    for (const out of [new Uint8Array(99), new Uint8Array(101), new Uint8Array(0)]) {
      out.fill(9);
      expect(codeOf(() => e.quantizeTensor(x, 1, 0, 0, 255, 0, out))).toBe('ERR_QUANT_OUTPUT');
      expect(out.every((v) => v === 9)).toBe(true);
    }
    const short = new Uint8Array(199_999).fill(9);
    expect(codeOf(() => e.quantizeTensor(big, 1, 0, 0, 255, 0, short))).toBe('ERR_QUANT_OUTPUT');
    expect(short.every((v) => v === 9)).toBe(true);
    expect(codeOf(() => e.dequantizeTensor(new Int8Array(10), 1, 0, new Float32Array(9)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensor(x, 1, 0, 0, 255, 0, new Float32Array(99), new Float64Array(6)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensor(x, 1, 0, 0, 255, 0, new Float64Array(100), new Float64Array(6)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.fakeQuantizeTensor(x, 1, 0, 0, 255, 0, new Float32Array(100), new Float64Array(5)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMax(x, new Float64Array(1)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.absMax(x, new Float64Array(0)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMaxAxis(x, 1, 10, 10, new Float64Array(9), new Float64Array(10)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMaxBlocked(x, 1, 100, 1, 7, new Float64Array(15), new Float64Array(14)))).toBe('ERR_QUANT_OUTPUT');
  });

  it('wrong array types throw with the input or output code', () => {
    const e = raw();
    const call = e.quantizeTensor as (...args: unknown[]) => void;
    expect(codeOf(() => call([1, 2, 3], 1, 0, 0, 255, 0, new Uint8Array(3)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => call(new Int32Array(3), 1, 0, 0, 255, 0, new Uint8Array(3)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => call(new Float32Array(3), 1, 0, 0, 255, 0, new Float32Array(3)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => call(new Float32Array(3), 1, 0, 0, 255, 0, new Uint8ClampedArray(3)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => call(new Float32Array(3), 1, 0, 0, 255, 0, new DataView(new ArrayBuffer(3))))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => call(new Float32Array(3)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => (e.pack as (...a: unknown[]) => void)(new Int16Array(4), 4, new Uint8Array(2)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => (e.unpack as (...a: unknown[]) => void)(new Int8Array(2), 4, true, new Int8Array(4)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => (e.unpack as (...a: unknown[]) => void)(new Uint8Array(2), 4, true, new Int16Array(4)))).toBe('ERR_QUANT_OUTPUT');
  });

  it('layouts whose product does not match, overflows, or has no blocks throw', () => {
    const e = raw();
    const s = new Float32Array(10).fill(1);
    const z = new Int32Array(10);
    expect(codeOf(() => e.quantizeAxis(x, s, z, 1, 10, 11, 0, 255, 0, new Uint8Array(100)))).toBe('ERR_QUANT_SHAPE');
    // 2^32 * 2^32 * 0 would be 0 without the overflow check on the first product.
    expect(codeOf(() => e.quantizeAxis(x, s, z, 2 ** 32, 2 ** 32, 0, 0, 255, 0, new Uint8Array(100)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.minMaxAxis(new Float32Array(0), 2 ** 40, 2 ** 40, 0, new Float64Array(0), new Float64Array(0)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.quantizeAxis(x, s, z, -1, 10, 10, 0, 255, 0, new Uint8Array(100)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.quantizeAxis(x, s, z, 1.5, 10, 10, 0, 255, 0, new Uint8Array(100)))).toBe('ERR_QUANT_SHAPE');
    expect(codeOf(() => e.quantizeBlocked(x, s, z, 1, 100, 1, 0, 0, 255, 0, new Uint8Array(100)))).toBe('ERR_QUANT_BLOCK_SIZE');
    expect(codeOf(() => e.dequantizeBlocked(new Uint8Array(100), s, z, 1, 100, 1, 0, new Float32Array(100)))).toBe('ERR_QUANT_BLOCK_SIZE');
  });

  it('scale and zero-point arrays must hold one element per group', () => {
    const e = raw();
    const out = new Uint8Array(100);
    expect(codeOf(() => e.quantizeAxis(x, new Float32Array(9), new Int32Array(10), 1, 10, 10, 0, 255, 0, out))).toBe('ERR_QUANT_SCALE');
    expect(codeOf(() => e.quantizeAxis(x, new Float32Array(10), new Int32Array(9), 1, 10, 10, 0, 255, 0, out))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.quantizeAxis(x, new Float32Array(10), new Float64Array(10) as never, 1, 10, 10, 0, 255, 0, out))).toBe('ERR_QUANT_ZERO_POINT');
    // 100 elements in blocks of 7 along dim 100: 15 groups.
    expect(codeOf(() => e.quantizeBlocked(x, new Float32Array(14), new Int32Array(15), 1, 100, 1, 7, 0, 255, 0, out))).toBe('ERR_QUANT_SCALE');
    expect(codeOf(() => e.dequantizeAxis(out, new Float64Array(10), new Int32Array(11), 1, 10, 10, new Float32Array(100)))).toBe('ERR_QUANT_ZERO_POINT');
  });

  it('integer ranges, profiles and packing parameters are checked', () => {
    const e = raw();
    const out = new Int8Array(100);
    expect(codeOf(() => e.quantizeTensor(x, 1, 0, -129, 127, 0, out))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor(x, 1, 0, 0, 255, 0, out))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor(x, 1, 0, 5, 4, 0, out))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.quantizeTensor(x, 1, 200, -128, 127, 0, out))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.quantizeTensor(x, 1, 0.5, -128, 127, 0, out))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.quantizeTensor(x, 1, 0, -128, 127, 2 as 0, out))).toBe('ERR_QUANT_OPTION');
    expect(codeOf(() => e.quantizeTensor(x, '1' as unknown as number, 0, -128, 127, 0, out))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.dequantizeTensor(new Int8Array(2), 1, 2 ** 31, new Float32Array(2)))).toBe('ERR_QUANT_ZERO_POINT');
    expect(codeOf(() => e.fakeQuantizeTensor(x, 1, 0, -40000, 0, 0, new Float32Array(100), new Float64Array(6)))).toBe('ERR_QUANT_BITS');
    expect(codeOf(() => e.pack(new Int8Array(5), 3 as 4, new Uint8Array(2)))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.pack(new Int8Array(5), 4, new Uint8Array(2)))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.pack(new Int8Array(5), 2, new Uint8Array(1)))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.unpack(new Uint8Array(2), 4, false, new Uint8Array(5)))).toBe('ERR_QUANT_PACKED');
    expect(codeOf(() => e.unpack(new Uint8Array(3), 4, 1 as unknown as boolean, new Uint8Array(5)))).toBe(NativeErrorCodes.ARGUMENT);
  });

  it('async calls check the same things synchronously, plus their cancel flag and resizable buffers', () => {
    const e = raw();
    expect(codeOf(() => e.quantizeTensorAsync(x, 1, 0, 0, 255, 0, new Uint8Array(99)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.minMaxAxisAsync(x, 1, 10, 10, new Float64Array(10), new Float64Array(11)))).toBe('ERR_QUANT_OUTPUT');
    expect(codeOf(() => e.quantizeTensorAsync(x, 1, 0, 0, 255, 0, new Uint8Array(100), new Uint32Array(1) as never))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e.quantizeTensorAsync(x, 1, 0, 0, 255, 0, new Uint8Array(100), new Int32Array(0)))).toBe(NativeErrorCodes.ARGUMENT);
    const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
    const resizable = new Float32Array(new Resizable(400, { maxByteLength: 800 }));
    expect(codeOf(() => e.quantizeTensorAsync(resizable, 1, 0, 0, 255, 0, new Uint8Array(100)))).toBe(NativeErrorCodes.ARGUMENT);
    // The sync path has no such concern: nothing can resize the buffer while it runs.
    e.quantizeTensor(resizable, 1, 0, 0, 255, 0, new Uint8Array(100));
  });

  it('views on SharedArrayBuffers and at any offset are accepted, and only their own bytes are touched', () => {
    const e = raw();
    const shared = new SharedArrayBuffer(64);
    const bytes = new Uint8Array(shared).fill(0xee);
    const view = new Float32Array(shared, 4, 3);
    view.set([1, 2, 3]);
    const out = new Int8Array(shared, 17, 3);
    e.quantizeTensor(view, 1, 0, -128, 127, 0, out);
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
