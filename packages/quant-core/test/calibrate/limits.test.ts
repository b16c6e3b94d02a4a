import { describe, expect, it } from 'vitest';
import { BIN_LIMITS, computeQParams, createObserver, ErrorCodes, parseCalibration, QuantError, type CalibrationSpec } from '../../src/index.js';
import { errorCodeOf } from '../helpers/api.js';

/*
 * Issue 19: `bins` multiplies the work of a calibrator's search (quadratically for entropy and histogram), and a
 * synchronous call cannot be interrupted, so `entropy` with bins = 2^24 held the thread for minutes. Each method has a
 * cap (BIN_LIMITS, docs/CALIBRATION.md); above it the call is ERR_QUANT_LIMIT, naming the cap, before any work.
 */

const METHODS = ['percentile', 'mse', 'entropy', 'histogram'] as const;
const x = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3);

function limitError(fn: () => unknown): QuantError {
  try {
    fn();
  } catch (e) {
    if (e instanceof QuantError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('the bins cap of each calibrator', () => {
  it('is a few times the frameworks\' 2048 bins, lower for the quadratic searches', () => {
    expect(BIN_LIMITS).toEqual({ percentile: 2 ** 20, mse: 2 ** 20, histogram: 2 ** 14, entropy: 2 ** 13 });
  });

  it.each(METHODS)('%s: bins at the cap is accepted, one more is ERR_QUANT_LIMIT stating the cap', (method) => {
    const cap = BIN_LIMITS[method];
    expect(() => computeQParams(x, { range: { method, bins: cap } as CalibrationSpec })).not.toThrow();
    const e = limitError(() => computeQParams(x, { range: { method, bins: cap + 1 } as CalibrationSpec }));
    expect(e.code).toBe(ErrorCodes.LIMIT);
    expect(e.message).toContain(`limited to ${cap}`);
    expect(e.message).toContain(String(cap + 1));
  });

  it('holds for every way a calibration is given: range option, text, observer', () => {
    expect(errorCodeOf(() => parseCalibration('entropy:bins=1000000'))).toBe(ErrorCodes.LIMIT);
    expect(errorCodeOf(() => parseCalibration(`histogram:bins=${2 ** 24}`))).toBe(ErrorCodes.LIMIT);
    expect(errorCodeOf(() => createObserver('entropy', { bins: 2 ** 24 }))).toBe(ErrorCodes.LIMIT);
    expect(errorCodeOf(() => computeQParams(x, { range: { method: 'percentile', bins: Number.MAX_SAFE_INTEGER } }))).toBe(ErrorCodes.LIMIT);
  });

  it('leaves malformed bins an OPTION error', () => {
    for (const bins of [1, 0, -5, 2.5, NaN, Infinity, '2048']) {
      expect(errorCodeOf(() => computeQParams(x, { range: { method: 'entropy', bins } as unknown as CalibrationSpec })), String(bins)).toBe(ErrorCodes.OPTION);
    }
  });

  it('leaves startBin and stride free up to 2^20: they only shorten the search', () => {
    expect(() => parseCalibration(`entropy:startBin=${2 ** 20},stride=${2 ** 20}`)).not.toThrow();
    expect(errorCodeOf(() => parseCalibration(`entropy:stride=${2 ** 20 + 1}`))).toBe(ErrorCodes.OPTION);
  });
});
