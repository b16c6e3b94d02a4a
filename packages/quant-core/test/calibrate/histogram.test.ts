import { describe, expect, it } from 'vitest';
import { absHistogram, ErrorCodes, histogram } from '../../src/index.js';
import { errorCodeOf } from '../helpers/api.js';


describe('histogram kernel', () => {
  it('bins [min, max] into equal bins, max in the last bin, NaN and outside values skipped', () => {
    const counts = new Float64Array(4);
    histogram(Float64Array.of(0, 0.25, 0.5, 0.75, 1, NaN, -0.1, 1.1, Infinity, -Infinity, 0.2499), 0, 1, counts);
    expect(Array.from(counts)).toEqual([2, 1, 1, 2]);
  });

  it('adds to the counts it is given (batches accumulate)', () => {
    const counts = new Uint32Array(2);
    const x = Float32Array.of(-1, 1, 2);
    histogram(x, -1, 2, counts);
    histogram(x, -1, 2, counts);
    expect(Array.from(counts)).toEqual([2, 4]);
  });

  it('puts every value equal to min in bin 0 when min == max', () => {
    const counts = new Float64Array(3);
    histogram(Float64Array.of(2, 2, 3, 1), 2, 2, counts);
    expect(Array.from(counts)).toEqual([2, 0, 0]);
  });

  it('bins float32 values by their exact float64 value', () => {
    // fl32(0.1) = 0.100000001490116..., just above the edge 0.1 of [0, 1] in 10 bins
    const counts = new Float64Array(10);
    histogram(Float32Array.of(0.1), 0, 1, counts);
    expect(counts[1]).toBe(1);
  });

  it('absHistogram bins |x| over [min, max]', () => {
    const counts = new Float64Array(2);
    absHistogram(Float32Array.of(-1, -0.5, 0.5, 0.25, NaN, -3), 0, 1, counts);
    expect(Array.from(counts)).toEqual([1, 3]);
    const upper = new Float64Array(2);
    absHistogram(Float64Array.of(-1, -0.5, 0.5, 0.25), 0.5, 1, upper);
    expect(Array.from(upper)).toEqual([2, 1]);
  });

  it('validates its arguments with stable codes', () => {
    const x = new Float32Array(4);
    expect(errorCodeOf(() => histogram([1, 2] as unknown as Float32Array, 0, 1, new Float64Array(2)))).toBe(ErrorCodes.INPUT_TYPE);
    expect(errorCodeOf(() => histogram(x, 1, 0, new Float64Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => histogram(x, 0, Infinity, new Float64Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => histogram(x, -1e308, 1e308, new Float64Array(2)))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => histogram(x, 0, 1, new Float32Array(2) as unknown as Float64Array))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => histogram(x, 0, 1, new Float64Array(0)))).toBe(ErrorCodes.OUTPUT);
    expect(errorCodeOf(() => absHistogram(x, -1, 1, new Float64Array(2)))).toBe(ErrorCodes.RANGE);
  });
});
