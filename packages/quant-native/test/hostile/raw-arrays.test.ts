import { expect, it } from 'vitest';
import { referenceBackend } from '@quantkit/quant-core';
import { NativeErrorCodes } from '../../src/index.js';
import { codeOf, describeNative, descriptor, descriptorSlots, native, rawEngine } from '../helpers.js';

// Issue 19: detached and hostile typed arrays handed to the raw addon, past every TypeScript check. The binding takes
// the element type and the length Node-API reports (the typed array's own, whatever its prototype or properties say)
// and refuses a view on a detached buffer, which Node-API reports as empty. Nothing may be read or written outside the
// views, and every refusal is an Error with a code, never a crash.

type TypedArrayClass = new (length: number) => ArrayBufferView & { readonly length: number };
/** Creates an array of a call: a new one, or a view with special properties. */
type Make = <T extends ArrayBufferView>(type: new (length: number) => T, length: number) => T;

function detached(type: TypedArrayClass, length: number): ArrayBufferView {
  const view = new type(length);
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
  return view;
}

describeNative('the raw addon with detached, empty and disguised typed arrays', () => {
  const slot = (d: Uint8Array, name: string): number => new Float64Array(d.buffer, d.byteOffset, descriptorSlots().length)[descriptorSlots().indexOf(name)]!;
  const spec = { scale: 0.5, zeroPoint: 0, qmin: 0, qmax: 255 };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);

  // A valid call of every kernel on n elements (n even): `make` creates each array whose length depends on n.
  const calls: Record<string, (n: number, make: Make) => { arrays: ArrayBufferView[]; desc: Uint8Array }> = {
    quantizeTensor: (n, make) => ({ arrays: [make(Float32Array, n), make(Uint8Array, n)], desc: descriptor(spec) }),
    quantizeAxis: (n, make) => ({ arrays: [make(Float32Array, n), ones(2), new Int32Array(2), make(Uint8Array, n)], desc: descriptor({ ...spec, outer: n / 2, dim: 2, inner: 1 }) }),
    quantizeBlocked: (n, make) => ({
      arrays: [make(Float32Array, n), make(Float32Array, n / 2).fill(1), make(Int32Array, n / 2), make(Uint8Array, n)],
      desc: descriptor({ ...spec, outer: 1, dim: n, inner: 1, blockSize: 2 }),
    }),
    quantizeBlockedMinMax: (n, make) => ({
      arrays: [make(Float32Array, n), make(Float32Array, n / 2), make(Int32Array, n / 2), make(Uint8Array, n)],
      desc: descriptor({ ...spec, outer: 1, dim: n, inner: 1, blockSize: 2, scheme: 0 }),
    }),
    quantizeTensorHalf: (n, make) => ({ arrays: [make(Uint16Array, n), make(Uint8Array, n)], desc: descriptor({ ...spec, half: 0 }) }),
    dequantizeTensorHalf: (n, make) => ({ arrays: [make(Uint8Array, n), make(Uint16Array, n)], desc: descriptor({ scale: 1, half: 1 }) }),
    minMaxHalf: (n, make) => ({ arrays: [make(Uint16Array, n)], desc: descriptor({ half: 0 }) }),
    quantizeAxisHalf: (n, make) => ({ arrays: [make(Uint16Array, n), ones(2), new Int32Array(2), make(Uint8Array, n)], desc: descriptor({ ...spec, outer: n / 2, dim: 2, inner: 1, half: 1 }) }),
    quantizeBlockedHalf: (n, make) => ({
      arrays: [make(Uint16Array, n), make(Float32Array, n / 2).fill(1), make(Int32Array, n / 2), make(Uint8Array, n)],
      desc: descriptor({ ...spec, outer: 1, dim: n, inner: 1, blockSize: 2, half: 0 }),
    }),
    dequantizeAxisHalf: (n, make) => ({ arrays: [make(Uint8Array, n), ones(2), new Int32Array(2), make(Uint16Array, n)], desc: descriptor({ outer: n / 2, dim: 2, inner: 1, half: 0 }) }),
    dequantizeBlockedHalf: (n, make) => ({
      arrays: [make(Uint8Array, n), make(Float32Array, n / 2).fill(1), make(Int32Array, n / 2), make(Uint16Array, n)],
      desc: descriptor({ outer: 1, dim: n, inner: 1, blockSize: 2, half: 1 }),
    }),
    minMaxAxisHalf: (n, make) => ({ arrays: [make(Uint16Array, n), new Float64Array(2), new Float64Array(2)], desc: descriptor({ outer: n / 2, dim: 2, inner: 1, half: 1 }) }),
    minMaxBlockedHalf: (n, make) => ({
      arrays: [make(Uint16Array, n), make(Float64Array, n / 2), make(Float64Array, n / 2)],
      desc: descriptor({ outer: 1, dim: n, inner: 1, blockSize: 2, half: 0 }),
    }),
    dequantizeTensor: (n, make) => ({ arrays: [make(Uint8Array, n), make(Float32Array, n)], desc: descriptor({ scale: 1 }) }),
    dequantizeAxis: (n, make) => ({ arrays: [make(Uint8Array, n), ones(2), new Int32Array(2), make(Float32Array, n)], desc: descriptor({ outer: n / 2, dim: 2, inner: 1 }) }),
    dequantizeBlocked: (n, make) => ({
      arrays: [make(Uint8Array, n), make(Float32Array, n / 2).fill(1), make(Int32Array, n / 2), make(Float32Array, n)],
      desc: descriptor({ outer: 1, dim: n, inner: 1, blockSize: 2 }),
    }),
    fakeQuantizeTensor: (n, make) => ({ arrays: [make(Float32Array, n), make(Float32Array, n)], desc: descriptor(spec) }),
    fakeQuantizeTensorValues: (n, make) => ({ arrays: [make(Float32Array, n), make(Float32Array, n)], desc: descriptor(spec) }),
    minMax: (n, make) => ({ arrays: [make(Float32Array, n)], desc: descriptor({}) }),
    absMax: (n, make) => ({ arrays: [make(Float32Array, n)], desc: descriptor({}) }),
    minMaxAxis: (n, make) => ({ arrays: [make(Float32Array, n), new Float64Array(2), new Float64Array(2)], desc: descriptor({ outer: n / 2, dim: 2, inner: 1 }) }),
    minMaxBlocked: (n, make) => ({
      arrays: [make(Float32Array, n), make(Float64Array, n / 2), make(Float64Array, n / 2)],
      desc: descriptor({ outer: 1, dim: n, inner: 1, blockSize: 2 }),
    }),
    pack: (n, make) => ({ arrays: [make(Int8Array, n), make(Uint8Array, n / 2)], desc: descriptor({ bits: 4 }) }),
    unpack: (n, make) => ({ arrays: [make(Uint8Array, n / 2), make(Int8Array, n)], desc: descriptor({ bits: 4, signed: 1 }) }),
    histogram: (n, make) => ({ arrays: [make(Float32Array, n), new Uint32Array(4)], desc: descriptor({ min: 0, max: 1 }) }),
    histogramHalf: (n, make) => ({ arrays: [make(Uint16Array, n), new Uint32Array(4)], desc: descriptor({ min: 0, max: 1, half: 1 }) }),
    absHistogram: (n, make) => ({ arrays: [make(Float32Array, n), new Uint32Array(4)], desc: descriptor({ min: 0, max: 1 }) }),
    absHistogramHalf: (n, make) => ({ arrays: [make(Uint16Array, n), new Uint32Array(4)], desc: descriptor({ min: 0, max: 1, half: 0 }) }),
    // q8_0 (format 4): blocks of 32 elements in 34 bytes; n is a multiple of 32 in these tests or 0.
    ggmlQuantize: (n, make) => ({ arrays: [make(Float32Array, n * 32), make(Uint8Array, n * 34)], desc: descriptor({ format: 4 }) }),
    ggmlQuantizeHalf: (n, make) => ({ arrays: [make(Uint16Array, n * 32), make(Uint8Array, n * 34)], desc: descriptor({ format: 4, half: 1 }) }),
    ggmlDequantize: (n, make) => ({ arrays: [make(Uint8Array, n * 34), make(Float32Array, n * 32)], desc: descriptor({ format: 4 }) }),
    // Embeddings: n / 2 rows of dim 2 (a packed row is 1 byte); the query, starts and steps are one row whatever n is.
    quantizeEmbeddingRows: (n, make) => ({ arrays: [make(Float32Array, n), ones(2), ones(2), make(Int8Array, n)], desc: descriptor({ dim: 2, precision: 0, int8Rounding: 1 }) }),
    packBinaryRows: (n, make) => ({ arrays: [make(Float32Array, n), make(Uint8Array, n / 2)], desc: descriptor({ dim: 2, precision: 3, bitOrder: 1, threshold: 1 }) }),
    hammingScan: (n, make) => ({ arrays: [new Uint8Array(2), make(Int8Array, n), make(Uint32Array, n / 2)], desc: descriptor({ bytesPerRow: 2 }) }),
    dotScanInt8: (n, make) => ({ arrays: [new Int8Array(2), make(Int8Array, n), make(Int32Array, n / 2)], desc: descriptor({ dim: 2 }) }),
    dotScanUint8: (n, make) => ({ arrays: [new Uint8Array(2), make(Uint8Array, n), make(Uint32Array, n / 2)], desc: descriptor({ dim: 2 }) }),
    l2ScanInt8: (n, make) => ({ arrays: [new Int8Array(2), make(Int8Array, n), make(Uint32Array, n / 2)], desc: descriptor({ dim: 2 }) }),
    l2ScanUint8: (n, make) => ({ arrays: [new Uint8Array(2), make(Uint8Array, n), make(Uint32Array, n / 2)], desc: descriptor({ dim: 2 }) }),
    dotScanAsymmetric: (n, make) => ({ arrays: [ones(2), make(Int8Array, n), ones(2), ones(2), make(Float64Array, n / 2)], desc: descriptor({ dim: 2, int8Rounding: 0 }) }),
    l2ScanAsymmetric: (n, make) => ({ arrays: [ones(2), make(Uint8Array, n), ones(2), ones(2), make(Float64Array, n / 2)], desc: descriptor({ dim: 2, int8Rounding: 0 }) }),
    dotScanFloat: (n, make) => ({ arrays: [ones(2), make(Float32Array, n), make(Float64Array, n / 2)], desc: descriptor({ dim: 2 }) }),
    l2ScanFloat: (n, make) => ({ arrays: [ones(2), make(Float32Array, n), make(Float64Array, n / 2)], desc: descriptor({ dim: 2 }) }),
    // The best n / 2 of n scores, largest first.
    topKKernel: (n, make) => ({ arrays: [make(Float64Array, n), make(Uint32Array, n / 2)], desc: descriptor({ k: n / 2, order: 1 }) }),
  };
  const plain: Make = (type, length) => new type(length);

  it('covers every kernel of the addon', () => {
    expect(Object.keys(calls).sort()).toStrictEqual(Object.keys(native.loaded!.addon.kernelArrays).sort());
    // The table's calls are valid: the refusals below come from the one argument that differs.
    for (const [kernel, call] of Object.entries(calls)) {
      const { arrays, desc: d } = call(8, plain);
      expect(() => rawEngine()[kernel]!(...arrays, d), kernel).not.toThrow();
    }
  });

  it('a view on a detached buffer, in any argument, is refused with ERR_QUANT_DETACHED (sync and async)', () => {
    const e = rawEngine();
    for (const [kernel, call] of Object.entries(calls)) {
      const count = call(8, plain).arrays.length;
      for (let i = 0; i < count; i++) {
        const { arrays, desc: d } = call(8, plain);
        const original = arrays[i] as ArrayBufferView & { length: number };
        arrays[i] = detached(original.constructor as TypedArrayClass, original.length);
        const others = arrays.filter((_, k) => k !== i).map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
        expect(codeOf(() => e[kernel]!(...arrays, d)), `${kernel} argument ${i}`).toBe('ERR_QUANT_DETACHED');
        expect(codeOf(() => e[`${kernel}Async`]!(...arrays, d)), `${kernel}Async argument ${i}`).toBe('ERR_QUANT_DETACHED');
        // Nothing was written to the other arrays.
        const after = arrays.filter((_, k) => k !== i).map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        expect(after, `${kernel} argument ${i}`).toStrictEqual(others);
      }
    }
  });

  it('a detached descriptor or cancel flag is refused with ERR_QUANT_NATIVE_ARGUMENT', () => {
    const e = rawEngine();
    const { arrays } = calls['quantizeTensor']!(8, plain);
    expect(codeOf(() => e['quantizeTensor']!(...arrays, detached(Uint8Array, descriptorSlots().length * 8)))).toBe(NativeErrorCodes.ARGUMENT);
    expect(codeOf(() => e['quantizeTensorAsync']!(...arrays, descriptor(spec), detached(Int32Array, 1)))).toBe(NativeErrorCodes.ARGUMENT);
  });

  it('empty views in the middle of a buffer touch none of its other bytes, and read nothing', () => {
    const e = rawEngine();
    const bytes = new Uint8Array(64);
    // Empty views at byte 16 of a buffer of 0xee bytes (a finite float32 and float64, which a stray read would return).
    const amid: Make = <T extends ArrayBufferView>(type: new (length: number) => T) =>
      new (type as unknown as new (buffer: ArrayBuffer, byteOffset: number, length: number) => T)(bytes.buffer, 16, 0);
    for (const [kernel, call] of Object.entries(calls)) {
      bytes.fill(0xee);
      const { arrays, desc: d } = call(0, amid);
      e[kernel]!(...arrays, d);
      expect(bytes.every((b) => b === 0xee), kernel).toBe(true);
      if (kernel === 'minMax') {
        const { min, max } = referenceBackend.minMax(new Float32Array(0));
        expect([slot(d, 'min'), slot(d, 'max')]).toStrictEqual([min, max]);
      }
      if (kernel === 'absMax') expect(slot(d, 'absMax')).toBe(referenceBackend.absMax(new Float32Array(0)));
      if (kernel.endsWith('istogram')) expect(Array.from(arrays[1] as Uint32Array)).toStrictEqual([0, 0, 0, 0]);
    }
  });

  it('the element type is the typed array\'s own, whatever its prototype says', () => {
    const e = rawEngine();
    // A Uint8Array dressed as a Float32Array: 8 bytes, not 8 floats.
    const bytesAsFloats = Object.setPrototypeOf(new Uint8Array(8), Float32Array.prototype) as Float32Array;
    expect(codeOf(() => e['quantizeTensor']!(bytesAsFloats, new Uint8Array(8), descriptor(spec)))).toBe('ERR_QUANT_INPUT_TYPE');
    expect(codeOf(() => e['minMax']!(bytesAsFloats, descriptor({})))).toBe('ERR_QUANT_INPUT_TYPE');
    const floatsAsBytes = Object.setPrototypeOf(new Float32Array(8), Uint8Array.prototype) as Uint8Array;
    expect(codeOf(() => e['quantizeTensor']!(new Float32Array(8), floatsAsBytes, descriptor(spec)))).toBe('ERR_QUANT_OUTPUT');
    // A Float32Array dressed as a Uint8Array is still 2 floats.
    const x = Object.setPrototypeOf(Float32Array.of(1.5, -3), Uint8Array.prototype) as Uint8Array;
    const out = new Int8Array(2);
    e['quantizeTensor']!(x, out, descriptor({ scale: 0.5, zeroPoint: 0, qmin: -128, qmax: 127 }));
    expect(Array.from(out)).toStrictEqual([3, -6]);
  });

  it('the length is the typed array\'s own, whatever its length property says', () => {
    const e = rawEngine();
    const lying = Object.defineProperty(new Float32Array(4), 'length', { value: 1 << 20 });
    class Longer extends Float32Array {
      override get length(): number {
        return 1 << 20;
      }
    }
    for (const x of [lying, new Longer(4)]) {
      expect(codeOf(() => e['quantizeTensor']!(x, new Uint8Array(1 << 20), descriptor(spec)))).toBe('ERR_QUANT_OUTPUT');
      const d = descriptor({});
      e['minMax']!(x, d);
      expect([slot(d, 'min'), slot(d, 'max')]).toStrictEqual([0, 0]);
    }
  });

  it('objects that only look like typed arrays are refused', () => {
    const e = rawEngine();
    const proxy = new Proxy(new Float32Array(8), {});
    const arrayLike = { length: 8, buffer: new ArrayBuffer(32), byteOffset: 0, byteLength: 32, BYTES_PER_ELEMENT: 4 };
    const inheriting = Object.create(new Float32Array(8)) as Float32Array;
    for (const x of [proxy, arrayLike, inheriting, new BigInt64Array(8), new DataView(new ArrayBuffer(32))]) {
      expect(codeOf(() => e['quantizeTensor']!(x, new Uint8Array(8), descriptor(spec)))).toBe('ERR_QUANT_INPUT_TYPE');
    }
    expect(codeOf(() => e['quantizeAxis']!(new Float32Array(8), new BigInt64Array(2), new Int32Array(2), new Uint8Array(8), descriptor({ ...spec, outer: 4, dim: 2, inner: 1 })))).toBe('ERR_QUANT_INPUT_TYPE');
  });
});
