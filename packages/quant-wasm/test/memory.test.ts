import { createKernelApi, referenceBackend, type KernelSpec } from '@quantkit/quant-core';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, createWasmBackend, WasmErrorCodes } from '../src/index.js';

/*
 * Linear memory: copies are chunked (a large input never needs its size in module memory, and the chunked result is
 * the one-call result), arrays allocated inside module memory are used in place (zero-copy), and memory that cannot
 * grow is ERR_QUANT_WASM_MEMORY, not an abort.
 */
const U8: KernelSpec = { qmin: 0, qmax: 255, profile: 'onnx' };
/** Byte equality of two views (vitest's deep equality is far too slow and memory-hungry at these sizes). */
const same = (a: ArrayBufferView, b: ArrayBufferView): boolean => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
const data = (n: number, seed = 1): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 3 + (i % 7 === 0 ? 0.5 : 0));

describe('chunked copies', () => {
  it('a 64 MiB input goes through a few hundred KiB of module memory, with the reference result', () => {
    const w = createWasmBackend();
    const n = 16 << 20;
    const x = data(n);
    const out = new Uint8Array(n);
    const want = new Uint8Array(n);
    w.quantizeTensor(x, Math.fround(6 / 255), 128, U8, out);
    referenceBackend.quantizeTensor(x, Math.fround(6 / 255), 128, U8, want);
    expect(same(out, want)).toBe(true);
    expect(w.memory.byteLength).toBeLessThan(8 << 20);
    const back = new Float32Array(n);
    const wantBack = new Float32Array(n);
    w.dequantizeTensor(out, Math.fround(6 / 255), 128, back);
    referenceBackend.dequantizeTensor(out, Math.fround(6 / 255), 128, wantBack);
    expect(same(back, wantBack)).toBe(true);
    expect(w.memory.byteLength).toBeLessThan(8 << 20);
  }, 120_000);

  it('every chunked kernel equals the reference across chunk boundaries (sums and results folded in order)', () => {
    const w = createWasmBackend();
    const n = (3 * CHUNK_BYTES) / 4 + 12345; // several chunks of every kernel below, and a partial last one
    const x = data(n);
    const k = createKernelApi(w);
    const r = createKernelApi(referenceBackend);
    expect(k.minMax(x)).toEqual(r.minMax(x));
    expect(k.absMax(x)).toEqual(r.absMax(x));
    const [fo, fr] = [new Float32Array(n), new Float32Array(n)];
    expect(k.fakeQuantizeTensor(x, 0.01, 3, { qmin: -128, qmax: 127, profile: 'pytorch' }, fo)).toEqual(r.fakeQuantizeTensor(x, 0.01, 3, { qmin: -128, qmax: 127, profile: 'pytorch' }, fr));
    expect(same(fo, fr)).toBe(true);
    for (const counts of [() => new Uint32Array(100), () => new Float64Array(100).fill(0.5)]) {
      const [a, b] = [counts(), counts()];
      k.histogram(x, -3, 3, a);
      r.histogram(x, -3, 3, b);
      expect(a).toEqual(b);
    }
    const q = new Uint8Array(n);
    r.quantizeTensor(x, 0.05, 8, { qmin: 0, qmax: 15, profile: 'onnx' }, q);
    const [pa, pb] = [new Uint8Array(Math.ceil(n / 2)), new Uint8Array(Math.ceil(n / 2))];
    k.pack(q, 4, pa);
    r.pack(q, 4, pb);
    expect(same(pa, pb)).toBe(true);
    const [ua, ub] = [new Uint8Array(n), new Uint8Array(n)];
    k.unpack(pa, 4, false, ua);
    r.unpack(pb, 4, false, ub);
    expect(same(ua, ub)).toBe(true);
    const layout = { outer: 1000, dim: 97, inner: 3, blockSize: 8 };
    const xb = data(1000 * 97 * 3, 2);
    const groups = 1000 * 13 * 3;
    const [sa, sb] = [new Float32Array(groups), new Float32Array(groups)];
    const [za, zb] = [new Int32Array(groups), new Int32Array(groups)];
    const [ca, cb] = [new Int8Array(xb.length), new Int8Array(xb.length)];
    const spec = { qmin: -8, qmax: 7, profile: 'onnx' } as const;
    expect(k.quantizeBlockedMinMax(xb, layout, 'symmetric', spec, sa, za, ca)).toBe(r.quantizeBlockedMinMax(xb, layout, 'symmetric', spec, sb, zb, cb));
    expect(same(sa, sb) && same(za, zb) && same(ca, cb)).toBe(true);
    const [mina, maxa, minb, maxb] = [new Float64Array(groups), new Float64Array(groups), new Float64Array(groups), new Float64Array(groups)];
    k.minMaxBlocked(xb, layout, mina, maxa);
    r.minMaxBlocked(xb, layout, minb, maxb);
    expect(same(mina, minb) && same(maxa, maxb)).toBe(true);
    const axis = { outer: 3000, channels: 33, inner: 2 };
    const xa = data(3000 * 33 * 2, 3);
    const scales = Float32Array.from({ length: 33 }, (_, i) => 0.01 + i * 0.001);
    const zps = Int32Array.from({ length: 33 }, (_, i) => i - 16);
    const [qa, qb] = [new Int16Array(xa.length), new Int16Array(xa.length)];
    const s16 = { qmin: -32768, qmax: 32767, profile: 'onnx' } as const;
    k.quantizeAxis(xa, scales, zps, axis, s16, qa);
    r.quantizeAxis(xa, scales, zps, axis, s16, qb);
    expect(same(qa, qb)).toBe(true);
  }, 120_000);

  it('a bad group found in a later chunk is reported at its index in the whole tensor', () => {
    const w = createWasmBackend();
    const layout = { outer: 4000, dim: 64, inner: 1, blockSize: 32 };
    const x = data(4000 * 64);
    x[3000 * 64 + 40] = Infinity; // row 3000, block 1: group 6001
    const out = new Uint8Array(x.length);
    const scales = new Float32Array(8000);
    const zps = new Int32Array(8000);
    expect(w.quantizeBlockedMinMax(x, layout, 'affine', U8, scales, zps, out)).toBe(6001);
    expect(referenceBackend.quantizeBlockedMinMax(x, layout, 'affine', U8, new Float32Array(8000), new Int32Array(8000), new Uint8Array(x.length))).toBe(6001);
  });
});

describe('zero-copy arrays', () => {
  it('arrays allocated in module memory are used in place, give the reference result, and stay live after growth', () => {
    const w = createWasmBackend();
    const n = 1 << 20;
    const zx = w.memory.allocate(Float32Array, n);
    const zq = w.memory.allocate(Uint8Array, n);
    zx.array.set(data(n));
    w.quantizeTensor(zx.array, 0.02, 100, U8, zq.array);
    const want = new Uint8Array(n);
    referenceBackend.quantizeTensor(data(n), 0.02, 100, U8, want);
    expect(same(zq.array, want)).toBe(true);
    const before = w.memory.byteLength;
    const big = w.memory.allocate(Float64Array, 4 << 20); // grows memory: earlier views are re-made by .array
    expect(w.memory.byteLength).toBeGreaterThan(before);
    expect(same(zq.array, want)).toBe(true);
    expect(big.array.length).toBe(4 << 20);
    w.memory.free(big);
    w.memory.reset();
  });

  it('a view detached by a growth is refused with ERR_QUANT_DETACHED through the validated API', () => {
    const w = createWasmBackend();
    const zx = w.memory.allocate(Float32Array, 16);
    const stale = zx.array;
    w.memory.allocate(Uint8Array, 64 << 20);
    expect(stale.length).toBe(0);
    expect(() => createKernelApi(w).minMax(stale)).toThrow(expect.objectContaining({ code: 'ERR_QUANT_DETACHED' }));
  });
});

describe('memory that cannot grow', () => {
  it('an allocation past 4 GiB is ERR_QUANT_WASM_MEMORY, and the backend keeps working', () => {
    const w = createWasmBackend();
    expect(() => w.memory.allocate(Float64Array, 2 ** 30)).toThrow(expect.objectContaining({ code: WasmErrorCodes.MEMORY }));
    expect(() => w.memory.reserve(2 ** 33)).toThrow(expect.objectContaining({ code: WasmErrorCodes.MEMORY }));
    const out = new Uint8Array(3);
    w.quantizeTensor(Float32Array.of(-1, 0, 1), 0.1, 10, U8, out);
    expect([...out]).toEqual([0, 10, 20]);
  });
});
