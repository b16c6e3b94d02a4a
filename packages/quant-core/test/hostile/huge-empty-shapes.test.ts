import { describe, expect, it } from 'vitest';
import { errorCodeOf, ErrorCodes, quantize } from '../helpers/api.js';
import { runIsolated, SOURCE_ENTRY } from '../helpers/isolated.js';

/*
 * Issue 19, defect 3: an empty tensor whose shape has a huge dimension beside a zero ([2^52, 0]) made quantize walk
 * 2^52 outer rows (a hang ignoring signals), and asking for 2^31 groups of an empty tensor was a RangeError. The calls
 * run in a child process, so a regression fails (killed at a generous time limit) instead of hanging the test run,
 * and an allocation of 2^31 groups cannot take the test runner down with it.
 */

const HUGE = 2 ** 52;

describe('an empty tensor with a huge dimension', () => {
  it('is answered by every entry point at once: work is bounded by the data and the groups produced', () => {
    const r = runIsolated(`
      const q = await import(${JSON.stringify(SOURCE_ENTRY)});
      const x = new Float32Array(0);
      const u8 = { qmin: 0, qmax: 255, profile: 'onnx' };
      const huge = ${HUGE};
      const groupsOf = (t) => t.scale.length;
      const out = {
        lastAxis: groupsOf(q.quantize(x, { shape: [huge, 0], granularity: { axis: -1 } })),
        lastAxisBlocked: groupsOf(q.quantize(x, { shape: [huge, 0], granularity: { axis: -1, blockSize: 32 } })),
        firstAxisBlocked: groupsOf(q.quantize(x, { shape: [0, huge], granularity: { axis: 0, blockSize: 32 } })),
        middleAxis: groupsOf(q.quantize(x, { shape: [huge, 3, 0], granularity: { axis: 1 } })),
        middleAxisBlocked: groupsOf(q.quantize(x, { shape: [huge, 0, 5], granularity: { axis: 1, blockSize: 2 } })),
        calibrated: groupsOf(q.quantize(x, { shape: [huge, 2, 0], granularity: { axis: 1 }, range: { method: 'percentile' } })),
        computeQParams: q.computeQParams(x, { shape: [huge, 4, 0], granularity: { axis: 1 } }).scale.length,
        fakeQuantize: q.fakeQuantize(x, { shape: [huge, 0], granularity: { axis: 0, blockSize: 4 } }).length,
        dequantize: q.dequantize(q.quantize(x, { shape: [huge, 2, 0], granularity: { axis: 1 } })).length,
        dequantizeBlocked: q.dequantize(q.quantize(x, { shape: [huge, 0], granularity: { axis: -1, blockSize: 8 } })).length,
      };
      q.kernels.quantizeAxis(x, new Float32Array(0), new Int32Array(0), { outer: huge, channels: 0, inner: 1 }, u8, new Uint8Array(0));
      q.kernels.quantizeBlocked(x, new Float32Array(0), new Int32Array(0), { outer: huge, dim: 0, inner: 1, blockSize: 4 }, u8, new Uint8Array(0));
      q.kernels.dequantizeAxis(new Uint8Array(0), new Float32Array(0), new Int32Array(0), { outer: huge, channels: 0, inner: 7 }, new Float32Array(0));
      q.kernels.dequantizeBlocked(new Uint8Array(0), new Float32Array(0), new Int32Array(0), { outer: huge, dim: 0, inner: 1, blockSize: 4 }, new Float32Array(0));
      const min = new Float64Array(2), max = new Float64Array(2);
      q.kernels.minMaxAxis(x, { outer: huge, channels: 2, inner: 0 }, min, max);
      out.minMaxAxis = [...min, ...max];
      q.kernels.minMaxBlocked(x, { outer: huge, dim: 0, inner: 3, blockSize: 2 }, new Float64Array(0), new Float64Array(0));
      console.log(JSON.stringify(out));
    `);
    expect(r.timedOut, 'the calls did not return within a minute: something walks the huge dimension').toBe(false);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      lastAxis: 0,
      lastAxisBlocked: 0,
      firstAxisBlocked: 0,
      middleAxis: 3,
      middleAxisBlocked: 0,
      calibrated: 2,
      computeQParams: 4,
      fakeQuantize: 0,
      dequantize: 0,
      dequantizeBlocked: 0,
      minMaxAxis: [null, null, null, null], // JSON writes ±Infinity as null: the empty range of each channel
    });
  }, 90_000);

  it('asking for more groups than can be allocated is ERR_QUANT_LIMIT, never a RangeError; a layout beyond 2^53 is refused', () => {
    const r = runIsolated(`
      const q = await import(${JSON.stringify(SOURCE_ENTRY)});
      const x = new Float32Array(0);
      const codeOf = (fn) => { try { fn(); return 'no error'; } catch (e) { return e.name + ' ' + e.code; } };
      const qt = { data: new Uint8Array(0), scale: new Float32Array(0), zeroPoint: new Int32Array(0), scheme: 'affine', bits: 8, shape: [2 ** 31, 0], axis: 0, packed: false, narrowRange: false, profile: 'onnx', dtype: 'float32' };
      console.log(JSON.stringify([
        codeOf(() => q.quantize(x, { shape: [2 ** 31, 0], granularity: { axis: 0 } })),
        codeOf(() => q.computeQParams(x, { shape: [0, ${HUGE}], granularity: { axis: 1 } })),
        codeOf(() => q.fakeQuantize(x, { shape: [2 ** 40, 0], granularity: { axis: 0 }, range: { method: 'percentile' } })),
        codeOf(() => q.dequantize(qt)),
        codeOf(() => q.kernels.minMaxAxis(x, { outer: 2 ** 60, channels: 0, inner: 1 }, new Float64Array(0), new Float64Array(0))),
      ]));
    `);
    expect(r.timedOut, 'the calls did not return within a minute').toBe(false);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([...Array(4).fill(`QuantError ${ErrorCodes.LIMIT}`), `QuantError ${ErrorCodes.SHAPE}`]);
  }, 90_000);
});

describe('shape entries', () => {
  const x = new Float32Array(0);

  it('must be safe integers >= 0 whose product is a safe integer (ERR_QUANT_SHAPE)', () => {
    for (const shape of [[2 ** 53, 0], [0, 1.5], [-0.5, 0], [NaN, 0], [Infinity, 0], [0, '3'], [0, 3n], [0, null]]) {
      expect(errorCodeOf(() => quantize(x, { shape: shape as number[] })), JSON.stringify(shape, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(ErrorCodes.SHAPE);
    }
    // 2^27 * 2^27 = 2^54 elements: the product of safe dimensions need not be safe.
    expect(errorCodeOf(() => quantize(new Float32Array(1), { shape: [2 ** 27, 2 ** 27] }))).toBe(ErrorCodes.SHAPE);
  });

  it('may multiply to 0 whatever the other dimensions are', () => {
    const t = quantize(x, { shape: [2 ** 52, 2 ** 52, 0] });
    expect(t.shape).toEqual([2 ** 52, 2 ** 52, 0]);
    expect(t.data.length).toBe(0);
  });
});
