import { describe, expect, it } from 'vitest';
import { computeQParams, ErrorCodes, formatCalibration, parseCalibration, quantize, type CalibrationSpec } from '../../src/index.js';
import { errorCodeOf } from '../helpers/api.js';


describe('parseCalibration', () => {
  it('reads the method names and the percentile shorthand', () => {
    expect(parseCalibration('minmax')).toEqual({ method: 'minmax' });
    expect(parseCalibration('mse')).toEqual({ method: 'mse' });
    expect(parseCalibration('entropy')).toEqual({ method: 'entropy' });
    expect(parseCalibration('histogram')).toEqual({ method: 'histogram' });
    expect(parseCalibration('percentile')).toEqual({ method: 'percentile' });
    expect(parseCalibration('percentile:99.99')).toEqual({ method: 'percentile', percentile: 99.99 });
  });

  it('reads key=value options', () => {
    expect(parseCalibration('percentile:99.9,bins=4096')).toEqual({ method: 'percentile', percentile: 99.9, bins: 4096 });
    expect(parseCalibration('percentile:percentile=99,exactLimit=0')).toEqual({ method: 'percentile', percentile: 99, exactLimit: 0 });
    expect(parseCalibration('entropy:startBin=64,stride=2')).toEqual({ method: 'entropy', startBin: 64, stride: 2 });
    expect(parseCalibration('mse:refine=false')).toEqual({ method: 'mse', refine: false });
  });

  it('rejects malformed text with OPTION', () => {
    for (const bad of ['', 'max', 'percentile:abc', 'percentile:0', 'percentile:100.5', 'entropy:64', 'mse:refine=yes', 'mse:bins=1', 'entropy:startBin=1.5', 'histogram:percentile=99', 'percentile:99,bins=8,bins=9', 'minmax:bins=8']) {
      expect(errorCodeOf(() => parseCalibration(bad)), bad).toBe(ErrorCodes.OPTION);
    }
  });

  it('formatCalibration writes what parseCalibration reads back', () => {
    const specs: CalibrationSpec[] = [
      { method: 'minmax' },
      { method: 'percentile' },
      { method: 'percentile', percentile: 99.9, bins: 512 },
      { method: 'mse', refine: false },
      { method: 'entropy', startBin: 32, stride: 4 },
      { method: 'histogram', bins: 1024 },
    ];
    for (const spec of specs) {
      const text = formatCalibration(spec);
      expect(formatCalibration(parseCalibration(text))).toBe(text);
    }
    expect(formatCalibration({ method: 'percentile' })).toBe('percentile:99.99');
    expect(formatCalibration({ method: 'entropy', bins: 2048 })).toBe('entropy');
  });
});

describe('range: { method } validation in quantize / computeQParams', () => {
  const x = Float32Array.of(-1, 0, 2, 3);
  it('rejects unknown methods, options of another method and out-of-range values with OPTION', () => {
    const bad: unknown[] = [
      { method: 'max' },
      { method: 'percentile', percentile: 0 },
      { method: 'percentile', percentile: 101 },
      { method: 'percentile', percentile: '99' },
      { method: 'mse', percentile: 99 },
      { method: 'entropy', bins: 1 },
      { method: 'entropy', startBin: 0 },
      { method: 'entropy', stride: 2.5 },
      { method: 'mse', refine: 'yes' },
      { method: 'minmax', bins: 16 },
    ];
    for (const range of bad) {
      expect(errorCodeOf(() => quantize(x, { range: range as CalibrationSpec })), JSON.stringify(range)).toBe(ErrorCodes.OPTION);
      expect(errorCodeOf(() => computeQParams(x, { range: range as CalibrationSpec })), JSON.stringify(range)).toBe(ErrorCodes.OPTION);
    }
  });

  it('still rejects a calibrator together with an explicit scale', () => {
    expect(errorCodeOf(() => quantize(x, { range: { method: 'mse' }, scale: 0.1 }))).toBe(ErrorCodes.OPTION);
  });

  it('reports data too wide for a histogram as RANGE', () => {
    const wide = Float64Array.of(-1e308, 0, 1e308);
    expect(errorCodeOf(() => computeQParams(wide, { range: { method: 'mse' } }))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => computeQParams(wide, { range: { method: 'percentile', exactLimit: 0 } }))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => computeQParams(wide, { range: { method: 'histogram' } }))).toBe(ErrorCodes.RANGE);
  });
});
