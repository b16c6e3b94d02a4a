import { expect, it } from 'vitest';
import { calibrateRange, createKernelApi, ErrorCodes, referenceBackend, widenHalf } from '@quantkit/quant-core';
import type { Backend, FloatArray, HistogramCounts } from '@quantkit/quant-core';
import { createNativeBackend, type NativeBackend, type NativeEngine } from '../src/index.js';
import { Arena, describeNative, floatData, native, rng, sameBits } from './helpers.js';

type Dtype = 'float32' | 'float64';
type CountsCtor = typeof Uint32Array | typeof Float64Array;

const DTYPES: Dtype[] = ['float32', 'float64'];
const COUNTS: CountsCtor[] = [Uint32Array, Float64Array];

/** Starting counts: small integers, some Uint32Array counts about to wrap, some fractional Float64Array counts. */
function initialCounts(Ctor: CountsCtor, bins: number, seed: number): HistogramCounts {
  const r = rng(seed);
  const c = new Ctor(bins);
  for (let b = 0; b < bins; b++) {
    const u = r();
    if (u < 0.7) c[b] = Math.floor(r() * 1000);
    else if (Ctor === Uint32Array) c[b] = 2 ** 32 - 1 - Math.floor(r() * 3);
    else c[b] = u < 0.85 ? r() * 100 : 2 ** 53 - Math.floor(r() * 4); // fractional, or where + 1 rounds
  }
  return c;
}

/** The reference backend's counts for the same call. */
function expected(abs: boolean, x: FloatArray, min: number, max: number, start: HistogramCounts): HistogramCounts {
  const c = start.slice();
  (abs ? referenceBackend.absHistogram : referenceBackend.histogram)(x, min, max, c);
  return c;
}

function run(b: Backend, abs: boolean, x: FloatArray, min: number, max: number, counts: HistogramCounts): void {
  if (abs) b.absHistogram(x, min, max, counts);
  else b.histogram(x, min, max, counts);
}

/** Ranges from the data: the finite extremes, a zoom into the middle, a degenerate one, a subnormal span. */
function rangesFor(x: FloatArray, abs: boolean): [number, number][] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const raw of x) {
    const v = abs ? Math.abs(raw) : raw;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) return [[abs ? 0 : -1, 1]];
  const ranges: [number, number][] = [[lo, hi], [lo + (hi - lo) * 0.4, lo + (hi - lo) * 0.6], [abs ? 0 : -0.75, 0.75], [0, 5e-324], [hi, hi]];
  if (abs) ranges.unshift([0, hi]);
  return ranges.filter(([a, b]) => Number.isFinite(b - a) && (!abs || a >= 0));
}

describeNative('native histograms count exactly what the reference counts', () => {
  const addon = native.loaded!;
  const backends: NativeBackend[] = [
    createNativeBackend({ isa: 'auto', threads: 1, addon }),
    createNativeBackend({ isa: 'auto', threads: 2, addon }),
    createNativeBackend({ isa: 'scalar', threads: 2, addon }),
  ];

  it('advertises the capability, so calibration bins with it', () => {
    for (const b of backends) expect(b.capabilities.histogram).toBe(true);
  });

  for (const b of backends) {
    it(`${b.isa} x ${b.threads} threads: random and edge data, every length class, views at offsets, both count types`, () => {
      let seed = 11;
      for (const dtype of DTYPES) {
        for (const n of [0, 1, 7, 8, 31, 33, 100, 1000, 4099, 70_001]) {
          for (const abs of [false, true]) {
            seed++;
            const x = floatData(dtype, n, seed, { spread: 50, tieScale: 0.125 });
            for (const [min, max] of rangesFor(x, abs)) {
              for (const bins of [1, 3, 64, 2048, 5000]) {
                for (const Ctor of COUNTS) {
                  seed++;
                  const start = initialCounts(Ctor, bins, seed);
                  const want = expected(abs, x, min, max, start);
                  const arena = new Arena(x.byteLength + start.byteLength + 256, seed % 2 === 0);
                  const xv = arena.copy(x, seed % 8);
                  const counts = arena.copy(start, (seed >> 3) % 8);
                  run(b, abs, xv, min, max, counts);
                  const diff = sameBits(counts, want);
                  if (diff) throw new Error(`${dtype} n=${n} abs=${abs} [${min}, ${max}] bins=${bins} ${Ctor.name}: ${diff}`);
                }
              }
            }
          }
        }
      }
    });
  }

  it('values on every bin edge, the bounds, NaN, infinities, -0 and subnormals land where the reference puts them', () => {
    const bins = 2048;
    for (const dtype of DTYPES) {
      const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
      for (const [min, max] of [[-1, 1], [-3.7, 12.1], [0, 0.1], [1e-3, 1e-3 + 2 ** -20]] as const) {
        const values: number[] = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 5e-324, min, max];
        for (let k = 0; k <= bins; k++) values.push(min + k * ((max - min) / bins));
        const x = new Ctor(values.length * 3);
        x.set(values);
        // The same values just below and above, in the array's own precision.
        for (let i = 0; i < values.length; i++) {
          x[values.length + i] = x[i]! - Math.abs(x[i]!) * 2 ** -23;
          x[2 * values.length + i] = x[i]! + Math.abs(x[i]!) * 2 ** -23;
        }
        for (const b of backends) {
          for (const abs of [false, true]) {
            const lo = abs ? Math.max(min, 0) : min;
            const counts = new Float64Array(bins);
            run(b, abs, x, lo, max, counts);
            const diff = sameBits(counts, expected(abs, x, lo, max, new Float64Array(bins)));
            if (diff) throw new Error(`${b.isa}/${b.threads} ${dtype} abs=${abs} [${lo}, ${max}]: ${diff}`);
          }
        }
      }
    }
  });

  it('1 and 2 threads agree on 3M float32 values, and batches accumulate', () => {
    const n = 3_000_017;
    const x = floatData('float32', n, 77, { spread: 4 });
    const [one, two] = [backends[0]!, backends[1]!];
    const a = new Float64Array(2048);
    const c = new Uint32Array(2048);
    one.histogram(x, -4, 4, a);
    two.histogram(x, -4, 4, c);
    expect(sameBits(a, expected(false, x, -4, 4, new Float64Array(2048)))).toBeUndefined();
    expect(Array.from(c)).toEqual(Array.from(a));
    two.histogram(x.subarray(0, 1000), -4, 4, c);
    one.histogram(x.subarray(0, 1000), -4, 4, a);
    expect(Array.from(c)).toEqual(Array.from(a));
    const inside = (v: FloatArray): number => v.filter((e) => e >= -4 && e <= 4).length;
    expect(a.reduce((s, v) => s + v, 0)).toBe(inside(x) + inside(x.subarray(0, 1000)));
  });

  it('async kernels resolve with the sync counts and reject with AbortError when aborted', async () => {
    const b = backends[1]!;
    const n = 500_003;
    const x = floatData('float64', n, 5, { spread: 10 });
    for (const abs of [false, true]) {
      const sync = initialCounts(Float64Array, 1000, 9);
      const async = sync.slice();
      run(b, abs, x, 0, 10, sync);
      await (abs ? b.absHistogramAsync(x, 0, 10, async) : b.histogramAsync(x, 0, 10, async));
      expect(sameBits(async, sync)).toBeUndefined();
      expect(sameBits(sync, expected(abs, x, 0, 10, initialCounts(Float64Array, 1000, 9)))).toBeUndefined();
    }
    const controller = new AbortController();
    const pending = b.histogramAsync(floatData('float32', 4_000_000, 6), -1, 1, new Uint32Array(64), { signal: controller.signal });
    controller.abort('stop');
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('AbortError');
  });

  it('calibration with the native backend gives the reference ranges', () => {
    const b = backends[1]!;
    const r = rng(3);
    const x = new Float32Array(1_200_000).map(() => (r() - 0.5) * (r() < 0.001 ? 200 : 4));
    for (const spec of [{ method: 'percentile', percentile: 99.9 }, { method: 'entropy' }, { method: 'histogram' }, { method: 'mse', refine: false }] as const) {
      for (const scheme of ['symmetric', 'affine'] as const) {
        expect(calibrateRange(x, spec, { scheme }, b), `${spec.method} ${scheme}`).toStrictEqual(calibrateRange(x, spec, { scheme }));
      }
    }
  });

  it('the validated kernel API and the addon refuse bad arguments with quantkit codes, before touching memory', () => {
    const k = createKernelApi(backends[0]!);
    const x = new Float32Array(10);
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    expect(code(() => k.histogram(x, 1, 0, new Uint32Array(4)))).toBe(ErrorCodes.RANGE);
    expect(code(() => k.histogram(x, 0, NaN, new Uint32Array(4)))).toBe(ErrorCodes.RANGE);
    expect(code(() => k.absHistogram(x, -1, 1, new Uint32Array(4)))).toBe(ErrorCodes.RANGE);
    expect(code(() => k.histogram(x, 0, 1, new Uint32Array(0)))).toBe(ErrorCodes.OUTPUT);
    expect(code(() => k.histogram(x, 0, 1, new Int32Array(4) as unknown as Uint32Array))).toBe(ErrorCodes.OUTPUT);
    // The raw addon, without TypeScript validation.
    const raw: NativeEngine = addon.addon.createEngine('auto', 2);
    const slots = addon.addon.descriptorSlots;
    const range = (min: number, max: number): Uint8Array => {
      const d = new Float64Array(slots.length);
      d[slots.indexOf('min')] = min;
      d[slots.indexOf('max')] = max;
      return new Uint8Array(d.buffer);
    };
    const counts = new Uint32Array(4).fill(7);
    const call = raw.histogram as (...a: unknown[]) => void;
    expect(code(() => call(x, counts, range(1, 0)))).toBe(ErrorCodes.RANGE);
    expect(code(() => call(x, counts, range(-1e308, 1e308)))).toBe(ErrorCodes.RANGE);
    expect(code(() => (raw.absHistogram as (...a: unknown[]) => void)(x, counts, range(-1, 0)))).toBe(ErrorCodes.RANGE);
    expect(code(() => call(x, new Uint32Array(0), range(0, 1)))).toBe(ErrorCodes.OUTPUT);
    expect(code(() => call(x, new Float32Array(4), range(0, 1)))).toBe(ErrorCodes.OUTPUT);
    expect(code(() => call([1, 2], counts, range(0, 1)))).toBe(ErrorCodes.INPUT_TYPE);
    expect(Array.from(counts)).toEqual([7, 7, 7, 7]);
  });

  it('half data: histogramHalf / absHistogramHalf (sync, async, threads) count the float32 histogram of the exact widening', async () => {
    const n = 1_000_003;
    const r = rng(21);
    for (const dtype of ['float16', 'bfloat16'] as const) {
      const bits = new Uint16Array(n).map(() => Math.floor(r() * 65536));
      const wide = new Float32Array(n);
      widenHalf(bits, dtype, 0, n, wide);
      for (const abs of [false, true]) {
        const [min, max] = abs ? [0, 3] : [-3, 3];
        const want = expected(abs, wide, min, max, initialCounts(Float64Array, 777, 4));
        for (const b of backends) {
          const got = initialCounts(Float64Array, 777, 4);
          (abs ? b.absHistogramHalf : b.histogramHalf)(bits, dtype, min, max, got);
          expect(sameBits(got, want), `${b.isa} x ${b.threads} ${dtype} abs=${abs}`).toBeUndefined();
        }
        const got = initialCounts(Float64Array, 777, 4);
        const b = backends[1]!;
        await (abs ? b.absHistogramHalfAsync(bits, dtype, min, max, got) : b.histogramHalfAsync(bits, dtype, min, max, got));
        expect(sameBits(got, want), `async ${dtype} abs=${abs}`).toBeUndefined();
      }
    }
    // The raw addon refuses a half slot that names no half type, and a Float32Array x, before touching the counts.
    const raw: NativeEngine = addon.addon.createEngine('auto', 1);
    const slots = addon.addon.descriptorSlots;
    const desc = (half: number): Uint8Array => {
      const d = new Float64Array(slots.length);
      d[slots.indexOf('min')] = 0;
      d[slots.indexOf('max')] = 1;
      d[slots.indexOf('half')] = half;
      return new Uint8Array(d.buffer);
    };
    const counts = new Uint32Array(4).fill(7);
    const call = raw.histogramHalf as (...a: unknown[]) => void;
    expect(() => call(new Uint16Array(8), counts, desc(7))).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_QUANT_/) }));
    expect(() => call(new Float32Array(8), counts, desc(0))).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_TYPE }));
    expect(Array.from(counts)).toEqual([7, 7, 7, 7]);
  });
});
