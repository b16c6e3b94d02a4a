import { describe, expect, it } from 'vitest';
import { calibrateRange, computeQParams, createObserver, ErrorCodes, observerFromJSON, quantize, type Observer, type ObserverMethod, type Scheme } from '../../src/index.js';
import { errorCodeOf } from '../helpers/api.js';
import { Random, sample, withOutliers } from './random.js';


function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Batches whose ranges grow, shrink and shift, so the histogram grids have to be widened several times. */
function batches(seed: number): Float32Array[] {
  const rng = new Random(seed);
  return [
    sample(3000, () => 0.01 * rng.normal()),
    sample(5000, () => rng.laplace(0.5) + 0.2),
    withOutliers(sample(8000, () => rng.studentT(3)), 4, 40),
    sample(2000, () => 3 * rng.uniform()),
    Float32Array.of(NaN, Infinity, -Infinity),
    sample(4000, () => rng.normal() - 1),
  ];
}

const roundTrip = (o: Observer): Observer => observerFromJSON(JSON.parse(JSON.stringify(o)));

describe('minmax observers', () => {
  const parts = batches(1);

  it('per tensor: the same parameters as computeQParams over all the data', () => {
    for (const scheme of ['affine', 'symmetric'] as const) {
      const o = createObserver('minmax', { scheme });
      for (const p of parts.filter((p) => !p.includes(Infinity))) o.update(p);
      const finite = concat(parts.filter((p) => !p.includes(Infinity)));
      const q = o.qparams({ bits: 8 });
      const ref = computeQParams(finite, { scheme, bits: 8 });
      expect([q.scale, q.zeroPoint]).toEqual([ref.scale, ref.zeroPoint]);
      expect(o.elements).toBe(finite.length);
    }
  });

  it('counts ±Infinity like the core min/max (and then has no usable range)', () => {
    const o = createObserver('minmax');
    for (const p of parts) o.update(p);
    expect(o.range()).toEqual({ min: -Infinity, max: Infinity });
    expect(errorCodeOf(() => o.qparams())).toBe(ErrorCodes.RANGE);
  });

  it('per axis: one range per channel, equal to computeQParams with granularity { axis }', () => {
    const rng = new Random(2);
    const shape = [4, 3, 5];
    const chunks = [0, 1, 2].map(() => sample(60, () => rng.laplace()));
    const o = createObserver('minmax', { granularity: { axis: 1 }, scheme: 'symmetric' });
    for (const c of chunks) o.update(c, shape);
    const stacked = concat(chunks); // batches stacked on axis 0: shape [12, 3, 5]
    const ref = computeQParams(stacked, { shape: [12, 3, 5], granularity: { axis: 1 }, scheme: 'symmetric', bits: 4 });
    const q = o.qparams({ bits: 4 });
    expect(q.scale).toEqual(ref.scale);
    expect(q.zeroPoint).toEqual(ref.zeroPoint);
    // ready to spread into quantize
    expect(quantize(stacked, { ...q, shape: [12, 3, 5] })).toEqual(quantize(stacked, { shape: [12, 3, 5], granularity: { axis: 1 }, scheme: 'symmetric', bits: 4 }));
  });

  it('merging shard observers gives exactly the single observer', () => {
    const single = createObserver('minmax', { scheme: 'affine' });
    for (const p of parts) single.update(p.filter((v) => Number.isFinite(v)));
    const a = createObserver('minmax', { scheme: 'affine' });
    const b = createObserver('minmax', { scheme: 'affine' });
    parts.forEach((p, i) => (i % 2 ? a : b).update(p.filter((v) => Number.isFinite(v))));
    expect(roundTrip(a).merge(roundTrip(b)).qparams()).toEqual(single.qparams());
  });

  it('per-axis observers need the shape and a constant channel count', () => {
    const o = createObserver('minmax', { granularity: { axis: 0 } });
    expect(errorCodeOf(() => o.update(new Float32Array(6)))).toBe(ErrorCodes.SHAPE);
    o.update(new Float32Array(6), [2, 3]);
    expect(errorCodeOf(() => o.update(new Float32Array(6), [3, 2]))).toBe(ErrorCodes.SHAPE);
    expect(errorCodeOf(() => o.update(new Float32Array(6), [2, 4]))).toBe(ErrorCodes.SHAPE);
  });
});

describe('moving-average observer', () => {
  it('averages batch extremes with the constant c, in float32 (PyTorch MovingAverageMinMaxObserver)', () => {
    const o = createObserver('moving-average', { averagingConstant: 0.5 });
    o.update(Float32Array.of(0, 1));
    o.update(Float32Array.of(2, 3));
    expect(o.range()).toEqual({ min: 1, max: 2 }); // 0 + 0.5 (2 - 0), 1 + 0.5 (3 - 1)
    o.update(Float32Array.of(NaN)); // no value: unchanged
    expect(o.range()).toEqual({ min: 1, max: 2 });
  });

  it('uses float32 arithmetic with the default c = 0.01', () => {
    const o = createObserver('moving-average');
    o.update(Float32Array.of(0.1, 0.3));
    o.update(Float32Array.of(0.7, 0.9));
    const f = Math.fround;
    const c = f(0.01);
    const min = f(f(0.1) + f(c * f(f(0.7) - f(0.1))));
    const max = f(f(0.3) + f(c * f(f(0.9) - f(0.3))));
    expect(o.range()).toEqual({ min, max });
    // float64 arithmetic would give a different (non-float32) number here
    expect(min).not.toBe(f(0.1) + 0.01 * (f(0.7) - f(0.1)));
  });

  it('works per axis and round-trips through JSON, but cannot be merged', () => {
    const o = createObserver('moving-average', { granularity: { axis: -1 }, averagingConstant: 0.25 });
    o.update(Float32Array.of(0, 10, -4, 2), [2, 2]);
    o.update(Float32Array.of(4, 2, 4, 6), [2, 2]);
    // channels are columns: [0, -4] then [4, 4]; [10, 2] then [2, 6]
    expect(o.range()).toEqual({ min: Float64Array.of(-4 + 0.25 * 8, 2), max: Float64Array.of(0 + 0.25 * 4, 10 - 0.25 * 4) });
    const copy = roundTrip(o);
    expect(copy.range()).toEqual(o.range());
    expect(errorCodeOf(() => copy.merge(o))).toBe(ErrorCodes.OPTION);
  });
});

const HISTOGRAM_METHODS: ObserverMethod[] = ['percentile', 'mse', 'entropy', 'histogram'];

describe('histogram observers', () => {
  for (const method of HISTOGRAM_METHODS) {
    for (const scheme of ['affine', 'symmetric'] as Scheme[]) {
      it(`${method} ${scheme}: batches, shards merged and all the data at once give the same histogram and range`, () => {
        const parts = batches(3);
        const single = createObserver(method, { scheme });
        for (const p of parts) single.update(p);
        const once = createObserver(method, { scheme }).update(concat(parts));
        const shards = [0, 1, 2].map(() => createObserver(method, { scheme }));
        parts.forEach((p, i) => shards[(i * 7) % 3]!.update(p));
        const merged = roundTrip(shards[2]!).merge(roundTrip(shards[0]!)).merge(shards[1]!);
        expect(merged.toJSON().state).toEqual(single.toJSON().state);
        expect(once.toJSON().state).toEqual(single.toJSON().state);
        for (const bits of [8, 4]) {
          expect(merged.range({ bits })).toEqual(single.range({ bits }));
          expect(merged.qparams({ bits })).toEqual(single.qparams({ bits }));
        }
        const r = single.range({ bits: 8 }) as { min: number; max: number };
        expect(r.min).toBeLessThanOrEqual(r.max);
        if (scheme === 'symmetric') expect(r.min).toBe(-r.max);
      });
    }
  }

  it('percentile is within one bin of the exact percentile of the same data', () => {
    const x = concat(batches(4).slice(0, 4));
    for (const scheme of ['affine', 'symmetric'] as const) {
      const o = createObserver('percentile', { scheme, percentile: 99 }).update(x);
      const exact = calibrateRange(x, { method: 'percentile', percentile: 99 }, { scheme }) as { min: number; max: number };
      const binWidth = 2 ** (o.toJSON().state['exponent'] as number);
      const r = o.range() as { min: number; max: number };
      expect(Math.abs(r.max - exact.max)).toBeLessThanOrEqual(binWidth);
      expect(Math.abs(r.min - exact.min)).toBeLessThanOrEqual(binWidth);
    }
  });

  it('entropy and mse on one heavy-tailed batch clip like the one-shot calibrators', () => {
    const rng = new Random(8);
    const x = withOutliers(sample(200_000, () => rng.laplace()), 10, 50);
    let amax = 0;
    for (const v of x) amax = Math.max(amax, Math.abs(v));
    for (const method of ['entropy', 'mse'] as const) {
      const o = createObserver(method, { scheme: 'symmetric' }).update(x);
      const r = o.range({ bits: 4 }) as { min: number; max: number };
      const oneShot = calibrateRange(x, { method }, { scheme: 'symmetric', bits: 4 }) as { min: number; max: number };
      expect(r.max).toBeLessThan(50);
      if (method === 'mse') {
        // the observer's coarser grid, without a zoomed second pass or a real-error refinement, moves the optimum a little
        expect(Math.abs(r.max - oneShot.max) / oneShot.max).toBeLessThan(0.25);
      } else {
        // at 4 bits both sit on TensorRT's smallest candidate, startBin = 128 bins, of different widths
        expect(r.max).toBe(128 * 2 ** (o.toJSON().state['exponent'] as number));
        expect(oneShot.max).toBe(128 * (amax / 2048));
      }
    }
  });

  it('an empty observer has the empty range and scale 1; a constant one its value', () => {
    const o = createObserver('entropy', { scheme: 'symmetric' });
    expect(o.range()).toEqual({ min: Infinity, max: -Infinity });
    expect(o.qparams()).toMatchObject({ scale: 1, zeroPoint: 0 });
    o.update(Float32Array.of(2, 2, -2));
    expect(o.range()).toEqual({ min: -2, max: 2 });
    const c = createObserver('histogram').update(Float32Array.of(5, 5, NaN));
    expect(c.range()).toEqual({ min: 5, max: 5 });
  });

  it('continues identically after a JSON round trip', () => {
    const parts = batches(5);
    const a = createObserver('mse', { scheme: 'affine', bins: 256 });
    const b = createObserver('mse', { scheme: 'affine', bins: 256 });
    a.update(parts[0]!).update(parts[1]!);
    b.update(parts[0]!).update(parts[1]!);
    const c = roundTrip(b);
    a.update(parts[2]!);
    c.update(parts[2]!);
    expect(c.toJSON()).toEqual(a.toJSON());
  });
});

describe('observer validation', () => {
  it('rejects bad methods and options with OPTION', () => {
    expect(errorCodeOf(() => createObserver('max' as ObserverMethod))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('entropy', { granularity: { axis: 0 } }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('minmax', { granularity: { axis: 0, blockSize: 2 } as unknown as { axis: number } }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('moving-average', { averagingConstant: 0 }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('minmax', { averagingConstant: 0.1 }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('minmax', { bins: 10 }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('mse', { percentile: 99 }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('percentile', { bins: 1 }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => createObserver('minmax', { scheme: 'signed' as Scheme }))).toBe(ErrorCodes.OPTION);
  });

  it('merges only observers of the same method, scheme and options', () => {
    const a = createObserver('percentile', { percentile: 99 });
    expect(errorCodeOf(() => a.merge(createObserver('percentile', { percentile: 99.9 })))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => a.merge(createObserver('percentile', { percentile: 99, scheme: 'symmetric' })))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => a.merge(createObserver('mse')))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => a.merge({} as Observer))).toBe(ErrorCodes.OPTION);
  });

  it('rejects malformed JSON', () => {
    const good = createObserver('entropy').update(Float32Array.of(1, 2, 3)).toJSON();
    expect(errorCodeOf(() => observerFromJSON(null))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => observerFromJSON({ ...good, format: 'other' }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => observerFromJSON({ ...good, state: { ...good.state, counts: [1, 2] } }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => observerFromJSON({ ...good, state: { ...good.state, min: 'x' } }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => observerFromJSON({ ...good, state: { ...good.state, min: 9, max: 1 } }))).toBe(ErrorCodes.RANGE);
  });

  it('validates qparams options', () => {
    const o = createObserver('minmax').update(Float32Array.of(1, 2));
    expect(errorCodeOf(() => o.qparams({ bits: 1 }))).toBe(ErrorCodes.BITS);
    expect(errorCodeOf(() => o.qparams({ dtype: 'float16' as 'float32' }))).toBe(ErrorCodes.OPTION);
    expect(o.qparams({ dtype: 'float64' }).scale).toBe(2 / 255);
  });
});
