import { describe, expect, it } from 'vitest';
import { analyze, calibrateRange, closestKey, computeQParams, createAsyncQuantApi, dequantize, ErrorCodes, fakeQuantize, OPTION_SCHEMAS, quantize, QuantError, type QuantizeOptions } from '../helpers/api.js';
import { turnAsyncBackend } from '../helpers/async-backend.js';

/*
 * Issue 19, options: unknown keys were ignored ({ bitz: 4 } quietly gave 8 bits), `bits: null` meant 8, and messages
 * did not show the type of a bad value. Keys are checked against one declared schema per call (OPTION_SCHEMAS),
 * `undefined` means "not given" and `null` is an error like any other wrong value.
 */

const x = Float32Array.from({ length: 12 }, (_, i) => i - 5.5);
const bad = <T>(v: unknown): T => v as T;
const api = createAsyncQuantApi(turnAsyncBackend());

async function errorOf(call: () => unknown): Promise<QuantError> {
  try {
    await call();
  } catch (e) {
    expect(e).toBeInstanceOf(QuantError);
    return e as QuantError;
  }
  throw new Error('expected a QuantError');
}

describe('unknown option keys', () => {
  it('are ERR_QUANT_UNKNOWN_OPTION naming the closest valid key', async () => {
    const cases: [() => unknown, string][] = [
      [() => quantize(x, bad({ bitz: 4 })), "unknown option 'bitz' (did you mean 'bits'?)"],
      [() => fakeQuantize(x, bad({ sheme: 'symmetric' })), "unknown option 'sheme' (did you mean 'scheme'?)"],
      [() => computeQParams(x, bad({ narrowrange: true })), "unknown option 'narrowrange' (did you mean 'narrowRange'?)"],
      [() => quantize(x, bad({ shape: [3, 4], granularity: { axis: 1, blocksize: 2 } })), "unknown option 'granularity.blocksize' (did you mean 'blockSize'?)"],
      [() => quantize(x, bad({ range: { min: -6, max: 6, mx: 7 } })), "unknown option 'range.mx' (did you mean 'max'?)"],
      [() => api.quantizeAsync(x, bad({ sginal: new AbortController().signal })), "unknown option 'sginal' (did you mean 'signal'?)"],
      [() => api.dequantizeAsync(quantize(x), bad({ outt: new Float32Array(12) })), "unknown option 'outt' (did you mean 'out'?)"],
      [() => quantize(x, bad({ range: { method: 'percentile', percentil: 99 } })), "unknown option 'range.percentil' (did you mean 'percentile'?)"],
    ];
    for (const [call, message] of cases) {
      const e = await errorOf(call);
      expect(e.code, message).toBe(ErrorCodes.UNKNOWN_OPTION);
      expect(e.message).toBe(message);
    }
  });

  it('without a close match, list the valid keys; a signal is not an option of a synchronous call', async () => {
    const e = await errorOf(() => quantize(x, bad({ signal: new AbortController().signal })));
    expect(e.code).toBe(ErrorCodes.UNKNOWN_OPTION);
    expect(e.message).toBe(`unknown option 'signal' (valid options: ${OPTION_SCHEMAS.quantize.join(', ')})`);
  });

  it("an option of another calibrator is misplaced (ERR_QUANT_OPTION), not unknown", async () => {
    expect((await errorOf(() => quantize(x, bad({ range: { method: 'minmax', bins: 64 } })))).code).toBe(ErrorCodes.OPTION);
  });

  it('whose value is undefined are treated like absent ones', () => {
    expect(quantize(x, bad({ bitz: undefined }))).toEqual(quantize(x));
  });

  it('closestKey suggests only likely typos', () => {
    expect(closestKey('bitz', ['bits', 'scheme'])).toBe('bits');
    expect(closestKey('prfoile', ['profile'])).toBe('profile'); // a transposition is one edit
    expect(closestKey('BlockSize', ['blockSize'])).toBe('blockSize');
    expect(closestKey('colour', ['scheme', 'bits'])).toBeUndefined();
    expect(closestKey('ax', ['axis'])).toBeUndefined();
  });
});

describe('undefined is the default, null is a value', () => {
  it('null is refused for every option, with the code of that option', async () => {
    const nulls: [QuantizeOptions, string][] = [
      [{ bits: bad(null) }, ErrorCodes.BITS],
      [{ scheme: bad(null) }, ErrorCodes.OPTION],
      [{ profile: bad(null) }, ErrorCodes.OPTION],
      [{ narrowRange: bad(null) }, ErrorCodes.OPTION],
      [{ packed: bad(null) }, ErrorCodes.OPTION],
      [{ shape: bad(null) }, ErrorCodes.SHAPE],
      [{ granularity: bad(null) }, ErrorCodes.OPTION],
      [{ range: bad(null) }, ErrorCodes.OPTION],
      [{ scale: bad(null) }, ErrorCodes.SCALE],
      [{ scale: 1, zeroPoint: bad(null) }, ErrorCodes.ZERO_POINT],
      [{ out: bad(null) }, ErrorCodes.OUTPUT],
      [{ shape: [3, 4], granularity: { axis: 1, blockSize: bad(null) } }, ErrorCodes.BLOCK_SIZE],
      [{ shape: [3, 4], granularity: { axis: bad(null) } }, ErrorCodes.AXIS],
    ];
    nulls.push([{ range: { method: 'mse', bins: bad(null) } }, ErrorCodes.OPTION], [{ range: { method: bad(8n) } }, ErrorCodes.OPTION]);
    for (const [i, [options, code]] of nulls.entries()) expect((await errorOf(() => quantize(x, options))).code, `case ${i}: ${Object.keys(options).join(', ')}`).toBe(code);
    expect((await errorOf(() => quantize(x, bad(null)))).code).toBe(ErrorCodes.OPTION);
    expect((await errorOf(() => dequantize(quantize(x), bad(null)))).code).toBe(ErrorCodes.INPUT_TYPE);
    expect((await errorOf(() => dequantize({ ...quantize(x), dtype: bad(null) }))).code).toBe(ErrorCodes.OPTION);
    expect((await errorOf(() => api.quantizeAsync(x, bad(null)))).code).toBe(ErrorCodes.OPTION);
    expect((await errorOf(() => api.dequantizeAsync(quantize(x), { out: bad(null) }))).code).toBe(ErrorCodes.INPUT_TYPE);
  });

  it('undefined takes the default', () => {
    const defaults = quantize(x);
    expect(quantize(x, { bits: undefined, scheme: undefined, range: undefined, granularity: undefined, shape: undefined, out: undefined })).toEqual(defaults);
    expect(defaults.bits).toBe(8);
  });

  it("messages show the type of the value: bits '8' is the string '8'", async () => {
    expect((await errorOf(() => quantize(x, { bits: bad('8') }))).message).toBe("bits must be an integer in 2..16, got the string '8'");
    expect((await errorOf(() => quantize(x, { bits: bad(null) }))).message).toBe('bits must be an integer in 2..16, got null');
    expect((await errorOf(() => quantize(x, { narrowRange: bad('true') }))).message).toBe("narrowRange must be a boolean, got the string 'true'");
  });
});

describe('the option schemas of calibration and analysis', () => {
  it('refuse unknown keys and null values there too', async () => {
    expect((await errorOf(() => calibrateRange(x, { method: 'minmax' }, bad({ sheme: 'symmetric' })))).message).toBe("unknown option 'sheme' (did you mean 'scheme'?)");
    expect((await errorOf(() => analyze(x, [bad({ calibrater: 'mse' })]))).message).toBe("unknown option 'candidate.calibrater' (did you mean 'calibrator'?)");
    expect((await errorOf(() => analyze(x, bad({ calibrator: ['mse'] })))).message).toBe("unknown option 'grid.calibrator' (did you mean 'calibrators'?)");
    expect((await errorOf(() => analyze(x, [{}], bad({ shap: [12] })))).code).toBe(ErrorCodes.UNKNOWN_OPTION);
    expect((await errorOf(() => analyze(x, { bits: bad(null) }))).code).toBe(ErrorCodes.OPTION);
    expect((await errorOf(() => analyze(x, { bits: bad(4) }))).code).toBe(ErrorCodes.OPTION);
    expect((await errorOf(() => analyze(x, [{ bits: bad(null) }]))).code).toBe(ErrorCodes.BITS);
    expect((await errorOf(() => calibrateRange(x, { method: 'minmax' }, { bits: bad(null) }))).code).toBe(ErrorCodes.BITS);
  });
});
