import { expect, it } from 'vitest';
import { referenceBackend, resolveGranularity, storageSpec } from '@quantkit/quant-core';
import type { Backend, FloatArray, IntArray, KernelSpec, Profile, Scheme } from '@quantkit/quant-core';
import { createNativeBackend } from '../src/index.js';
import { Arena, bytesOf, describeNative, floatData, intData, native, rng, sameBits, sameRange } from './helpers.js';

const DTYPES = ['float32', 'float64'] as const;
const PROFILES: Profile[] = ['onnx', 'pytorch'];
const LENGTHS = [0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 257, 1000];
// (scheme, bits, narrowRange): every storage class (Int8, Uint8, Int16, Uint16), full and partial ranges.
const STORAGES: [Scheme, number, boolean][] = [
  ['affine', 8, false],
  ['symmetric', 8, false],
  ['symmetric', 8, true],
  ['affine', 4, false],
  ['symmetric', 4, true],
  ['symmetric', 2, false],
  ['affine', 3, true],
  ['affine', 16, false],
  ['symmetric', 16, false],
  ['affine', 12, false],
  ['symmetric', 10, true],
];
const SCALES = [0.25, 0.1, 0.7, 3, 1e-3, 7.5e-5];

type IntCtor = new (n: number) => IntArray;

function codesFor(scheme: Scheme, bits: number): IntCtor {
  if (bits <= 8) return scheme === 'symmetric' ? Int8Array : Uint8Array;
  return scheme === 'symmetric' ? Int16Array : Uint16Array;
}

function floatCtor(dtype: 'float32' | 'float64'): new (n: number) => FloatArray {
  return dtype === 'float32' ? Float32Array : Float64Array;
}

/**
 * Runs `call` on views carved out of one buffer (ArrayBuffer or SharedArrayBuffer, element offsets 0..7) and checks
 * that no byte outside the `outputs` views changed.
 */
function withinArena<T>(arena: Arena, outputs: ArrayBufferView[], call: () => T): T {
  const before = new Uint8Array(arena.buffer.byteLength);
  before.set(new Uint8Array(arena.buffer));
  const result = call();
  const after = new Uint8Array(arena.buffer);
  const inOutput = (i: number): boolean => outputs.some((o) => i >= o.byteOffset && i < o.byteOffset + o.byteLength);
  for (let i = 0; i < after.length; i++) {
    if (after[i] !== before[i] && !inOutput(i)) throw new Error(`byte ${i} outside the outputs was written`);
  }
  return result;
}

describeNative('native kernels are bit-identical to the reference', () => {
  const backends: Backend[] = (['auto', 'scalar'] as const).map((isa) => createNativeBackend({ isa, addon: native.loaded! }));

  for (const b of backends) {
    it(`${b.isa}: quantizeTensor, every storage, profile, length and offset`, () => {
      let seed = 1;
      for (const dtype of DTYPES) {
        for (const [scheme, bits, narrow] of STORAGES) {
          const st = storageSpec(scheme, bits, narrow);
          const Codes = codesFor(scheme, bits);
          for (const profile of PROFILES) {
            const spec: KernelSpec = { qmin: st.qmin, qmax: st.qmax, profile };
            for (const n of LENGTHS) {
              seed++;
              const r = rng(seed);
              const scale = SCALES[seed % SCALES.length]!;
              const zp = st.qmin + Math.floor(r() * (st.qmax - st.qmin + 1));
              const x = floatData(dtype, n, seed, { spread: 150 * scale * 2 ** Math.min(bits - 8, 4), tieScale: scale });
              const expected = new Codes(n);
              referenceBackend.quantizeTensor(x, scale, zp, spec, expected);
              const arena = new Arena(n * 16 + 256, seed % 2 === 0);
              const xv = arena.copy(x, seed % 8);
              const out = arena.view(Codes as never, n, (seed + 3) % 8) as IntArray;
              withinArena(arena, [out], () => b.quantizeTensor(xv, scale, zp, spec, out));
              const diff = sameBits(out, expected);
              if (diff) throw new Error(`${dtype} ${scheme} ${bits}b narrow=${narrow} ${profile} n=${n} scale=${scale} zp=${zp}: ${diff}`);
            }
          }
        }
      }
    });

    it(`${b.isa}: dequantizeTensor, every code type to float32 and float64`, () => {
      let seed = 1000;
      for (const Codes of [Int8Array, Uint8Array, Int16Array, Uint16Array] as IntCtor[]) {
        for (const dtype of DTYPES) {
          for (const scale of [...SCALES, Math.fround(0.1), 1 / 3, 1e-30, 1e30]) {
            for (const n of LENGTHS) {
              seed++;
              const q = intData(new Codes(n), seed);
              const bits = q.BYTES_PER_ELEMENT * 8;
              const signed = q instanceof Int8Array || q instanceof Int16Array;
              const zp = (signed ? -(2 ** (bits - 1)) : 0) + Math.floor(rng(seed)() * 2 ** bits);
              const expected = new (floatCtor(dtype))(n);
              referenceBackend.dequantizeTensor(q, scale, zp, expected);
              const arena = new Arena(n * 16 + 256, seed % 2 === 1);
              const qv = arena.copy(q, seed % 8);
              const out = arena.view(floatCtor(dtype) as never, n, (seed + 5) % 8) as FloatArray;
              withinArena(arena, [out], () => b.dequantizeTensor(qv, scale, zp, out));
              const diff = sameBits(out, expected);
              if (diff) throw new Error(`${Codes.name} -> ${dtype} scale=${scale} zp=${zp} n=${n}: ${diff}`);
            }
          }
        }
      }
    });

    it(`${b.isa}: fakeQuantizeTensor values and metrics`, () => {
      let seed = 2000;
      for (const dtype of DTYPES) {
        for (const [scheme, bits, narrow] of STORAGES) {
          const st = storageSpec(scheme, bits, narrow);
          for (const profile of PROFILES) {
            for (const n of [...LENGTHS, 4099, 65536]) {
              seed++;
              const scale = SCALES[seed % SCALES.length]!;
              const zp = st.qmin + Math.floor(rng(seed)() * (st.qmax - st.qmin + 1));
              const spec: KernelSpec = { qmin: st.qmin, qmax: st.qmax, profile };
              const x = floatData(dtype, n, seed, { spread: 120 * scale, tieScale: scale, edges: seed % 3 !== 0 });
              const expected = new (floatCtor(dtype))(n);
              const expectedReport = referenceBackend.fakeQuantizeTensor(x, scale, zp, spec, expected);
              const arena = new Arena(n * 24 + 384, seed % 2 === 0); // x, out and the values-only output
              const xv = arena.copy(x, seed % 8);
              const out = arena.view(floatCtor(dtype) as never, n, (seed + 1) % 8) as FloatArray;
              const report = withinArena(arena, [out], () => b.fakeQuantizeTensor(xv, scale, zp, spec, out));
              const diff = sameBits(out, expected);
              if (diff) throw new Error(`${dtype} ${scheme} ${bits}b ${profile} n=${n}: ${diff}`);
              // Up to one chunk (65536 elements) the sums are added in exactly the reference's order.
              expect(report, `${dtype} ${scheme} ${bits}b ${profile} n=${n}`).toStrictEqual(expectedReport);
              // The values-only kernel (no sums): the same values, at another alignment of its output.
              const values = arena.view(floatCtor(dtype) as never, n, (seed + 4) % 8) as FloatArray;
              withinArena(arena, [values], () => b.fakeQuantizeTensorValues(xv, scale, zp, spec, values));
              const valuesDiff = sameBits(values, expected);
              if (valuesDiff) throw new Error(`values only: ${dtype} ${scheme} ${bits}b ${profile} n=${n}: ${valuesDiff}`);
            }
          }
        }
      }
    });

    it(`${b.isa}: minMax and absMax ignore NaN, count infinities, and handle empty and all-NaN input`, () => {
      let seed = 3000;
      for (const dtype of DTYPES) {
        const floats = (values: number[]): FloatArray => (dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values));
        const special = [floats([]), floats([NaN, NaN]), floats([-0, 0]), floats([NaN, -Infinity]), floats([5, NaN, -7])];
        for (const n of LENGTHS) special.push(floatData(dtype, n, ++seed));
        special.push(floatData(dtype, 999, ++seed, { edges: false }));
        for (const x of special) {
          const arena = new Arena(x.length * 8 + 128, seed % 2 === 0);
          const xv = arena.copy(x, seed++ % 8);
          const r = b.minMax(xv);
          const e = referenceBackend.minMax(x);
          expect(sameRange([r.min, r.max], [e.min, e.max]), `${dtype} [${Array.from(x.slice(0, 6))}]`).toBeUndefined();
          expect(sameRange([b.absMax(xv)], [referenceBackend.absMax(x)])).toBeUndefined();
        }
      }
    });

    it(`${b.isa}: pack and unpack 2 and 4 bits at odd lengths`, () => {
      let seed = 4000;
      for (const bits of [2, 4] as const) {
        for (const signed of [false, true]) {
          for (const n of [...LENGTHS, 2, 5, 6, 11, 13, 65537, 131075]) {
            seed++;
            const r = rng(seed);
            const codes = signed ? new Int8Array(n) : new Uint8Array(n);
            const lo = signed ? -(2 ** (bits - 1)) : 0;
            for (let i = 0; i < n; i++) codes[i] = lo + Math.floor(r() * 2 ** bits);
            const bytes = Math.ceil((n * bits) / 8);
            const expected = new Uint8Array(bytes);
            referenceBackend.pack(codes, bits, expected);
            const arena = new Arena(n * 2 + bytes + 256, seed % 2 === 0);
            const qv = arena.copy(codes, seed % 8);
            const packed = arena.view(Uint8Array, bytes, (seed + 3) % 8);
            withinArena(arena, [packed], () => b.pack(qv, bits, packed));
            expect(sameBits(packed, expected), `pack ${bits}b signed=${signed} n=${n}`).toBeUndefined();
            const back = arena.view((signed ? Int8Array : Uint8Array) as never, n, (seed + 6) % 8) as Int8Array | Uint8Array;
            withinArena(arena, [back], () => b.unpack(packed, bits, signed, back));
            const expectedBack = signed ? new Int8Array(n) : new Uint8Array(n);
            referenceBackend.unpack(expected, bits, signed, expectedBack);
            expect(sameBits(back, expectedBack), `unpack ${bits}b signed=${signed} n=${n}`).toBeUndefined();
            expect(sameBits(back, codes)).toBeUndefined();
          }
        }
      }
    });

    it(`${b.isa}: unpack of arbitrary bytes (padding bits set) matches`, () => {
      const r = rng(77);
      for (const bits of [2, 4] as const) {
        for (const n of [1, 2, 3, 5, 7, 9, 33]) {
          const packed = Uint8Array.from({ length: Math.ceil((n * bits) / 8) }, () => Math.floor(r() * 256));
          for (const signed of [false, true]) {
            const out = signed ? new Int8Array(n) : new Uint8Array(n);
            const expected = signed ? new Int8Array(n) : new Uint8Array(n);
            b.unpack(packed, bits, signed, out);
            referenceBackend.unpack(packed, bits, signed, expected);
            expect(sameBits(out, expected)).toBeUndefined();
          }
        }
      }
    });

    // Shapes and axes that give outer, channels/dim and inner of 1 and more; blocked sizes that divide and do not.
    const SHAPES = [[4, 5, 6], [1, 7, 1], [3, 1, 9], [2, 3, 4, 5], [130], [9, 33], [0, 3, 2], [3, 0]];

    it(`${b.isa}: per-axis quantize, dequantize and min/max on every axis`, () => {
      let seed = 5000;
      for (const shape of SHAPES) {
        for (let axis = -shape.length; axis < shape.length; axis++) {
          const g = resolveGranularity({ axis }, shape);
          if (g.kind !== 'axis') throw new Error('expected an axis granularity');
          for (const dtype of DTYPES) {
            for (const [scheme, bits, narrow] of [STORAGES[0]!, STORAGES[1]!, STORAGES[7]!, STORAGES[10]!]) {
              seed++;
              const st = storageSpec(scheme, bits, narrow);
              const spec: KernelSpec = { qmin: st.qmin, qmax: st.qmax, profile: PROFILES[seed % 2]! };
              const n = shape.reduce((a, d) => a * d, 1);
              const r = rng(seed);
              const x = floatData(dtype, n, seed, { spread: 20 });
              const scales = (seed % 2 === 0 ? new Float32Array(g.groups) : new Float64Array(g.groups)).map(() => 0.01 + r() * 0.5);
              const zps = new Int32Array(g.groups).map(() => st.qmin + Math.floor(r() * (st.qmax - st.qmin + 1)));
              const Codes = codesFor(scheme, bits);
              const expected = new Codes(n);
              referenceBackend.quantizeAxis(x, scales, zps, g.layout, spec, expected);
              const arena = new Arena(n * 64 + g.groups * 32 + 2048, seed % 2 === 1);
              const xv = arena.copy(x, seed % 8);
              const sv = arena.copy(scales, (seed + 1) % 8);
              const zv = arena.copy(zps, (seed + 2) % 8);
              const out = arena.view(Codes as never, n, (seed + 3) % 8) as IntArray;
              withinArena(arena, [out], () => b.quantizeAxis(xv, sv, zv, g.layout, spec, out));
              const where = `shape [${shape}] axis ${axis} ${dtype} ${scheme} ${bits}b`;
              expect(sameBits(out, expected), `quantizeAxis ${where}`).toBeUndefined();

              const values = arena.view(floatCtor(dtype) as never, n, (seed + 4) % 8) as FloatArray;
              const expectedValues = new (floatCtor(dtype))(n);
              referenceBackend.dequantizeAxis(expected, scales, zps, g.layout, expectedValues);
              withinArena(arena, [values], () => b.dequantizeAxis(out, sv, zv, g.layout, values));
              expect(sameBits(values, expectedValues), `dequantizeAxis ${where}`).toBeUndefined();

              const [mn, mx] = [arena.view(Float64Array, g.groups, (seed + 5) % 8), arena.view(Float64Array, g.groups, (seed + 6) % 8)];
              const [emn, emx] = [new Float64Array(g.groups), new Float64Array(g.groups)];
              referenceBackend.minMaxAxis(x, g.layout, emn, emx);
              withinArena(arena, [mn, mx], () => b.minMaxAxis(xv, g.layout, mn, mx));
              expect(sameRange(mn, emn), `minMaxAxis min ${where}`).toBeUndefined();
              expect(sameRange(mx, emx), `minMaxAxis max ${where}`).toBeUndefined();
            }
          }
        }
      }
    });

    it(`${b.isa}: blocked quantize, dequantize and min/max on every axis and several block sizes`, () => {
      let seed = 6000;
      for (const shape of SHAPES) {
        for (let axis = 0; axis < shape.length; axis++) {
          for (const blockSize of [1, 2, 3, 4, 7, 64]) {
            const g = resolveGranularity({ axis, blockSize }, shape);
            if (g.kind !== 'block') throw new Error('expected a blocked granularity');
            for (const dtype of DTYPES) {
              seed++;
              const [scheme, bits, narrow] = STORAGES[seed % STORAGES.length]!;
              const st = storageSpec(scheme, bits, narrow);
              const spec: KernelSpec = { qmin: st.qmin, qmax: st.qmax, profile: PROFILES[seed % 2]! };
              const n = shape.reduce((a, d) => a * d, 1);
              const r = rng(seed);
              const x = floatData(dtype, n, seed, { spread: 20 });
              const scales = (seed % 3 === 0 ? new Float32Array(g.groups) : new Float64Array(g.groups)).map(() => 0.01 + r() * 0.5);
              const zps = new Int32Array(g.groups).map(() => st.qmin + Math.floor(r() * (st.qmax - st.qmin + 1)));
              const Codes = codesFor(scheme, bits);
              const expected = new Codes(n);
              referenceBackend.quantizeBlocked(x, scales, zps, g.layout, spec, expected);
              const arena = new Arena(n * 64 + g.groups * 32 + 2048, seed % 2 === 0);
              const xv = arena.copy(x, seed % 8);
              const sv = arena.copy(scales, (seed + 1) % 8);
              const zv = arena.copy(zps, (seed + 2) % 8);
              const out = arena.view(Codes as never, n, (seed + 3) % 8) as IntArray;
              withinArena(arena, [out], () => b.quantizeBlocked(xv, sv, zv, g.layout, spec, out));
              const where = `shape [${shape}] axis ${axis} block ${blockSize} ${dtype} ${scheme} ${bits}b`;
              expect(sameBits(out, expected), `quantizeBlocked ${where}`).toBeUndefined();

              const values = arena.view(floatCtor(dtype) as never, n, (seed + 4) % 8) as FloatArray;
              const expectedValues = new (floatCtor(dtype))(n);
              referenceBackend.dequantizeBlocked(expected, scales, zps, g.layout, expectedValues);
              withinArena(arena, [values], () => b.dequantizeBlocked(out, sv, zv, g.layout, values));
              expect(sameBits(values, expectedValues), `dequantizeBlocked ${where}`).toBeUndefined();

              const [mn, mx] = [arena.view(Float64Array, g.groups, (seed + 5) % 8), arena.view(Float64Array, g.groups, (seed + 6) % 8)];
              const [emn, emx] = [new Float64Array(g.groups), new Float64Array(g.groups)];
              referenceBackend.minMaxBlocked(x, g.layout, emn, emx);
              withinArena(arena, [mn, mx], () => b.minMaxBlocked(xv, g.layout, mn, mx));
              expect(sameRange(mn, emn), `minMaxBlocked min ${where}`).toBeUndefined();
              expect(sameRange(mx, emx), `minMaxBlocked max ${where}`).toBeUndefined();
            }
          }
        }
      }
    });
  }

  it('every kernel gives the same bytes with isa avx2 (when the CPU has it), auto and scalar on 100k elements', () => {
    const isas = native.loaded!.addon.availableIsas.split(',') as ('avx2' | 'scalar')[];
    const all = isas.map((isa) => createNativeBackend({ isa, addon: native.loaded! }));
    const x = floatData('float32', 100_003, 9);
    const spec: KernelSpec = { qmin: 0, qmax: 255, profile: 'pytorch' };
    const results = all.map((b) => {
      const q = new Uint8Array(x.length);
      b.quantizeTensor(x, 0.37, 17, spec, q);
      const v = new Float32Array(x.length);
      const report = b.fakeQuantizeTensor(x, 0.37, 17, spec, v);
      return { q: bytesOf(q), v: bytesOf(v), report };
    });
    for (const r of results.slice(1)) {
      expect(Buffer.compare(r.q, results[0]!.q)).toBe(0);
      expect(Buffer.compare(r.v, results[0]!.v)).toBe(0);
      expect(r.report).toStrictEqual(results[0]!.report);
    }
  });
});
