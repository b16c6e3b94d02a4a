import { describe, expect, it } from 'vitest';
import { computeQParams, errorCodeOf, kernels, quantize, referenceBackend, type BlockLayout, type FloatArray, type Scheme } from './helpers/api.js';

// quantizeBlockedMinMax (issue 20): blocked quantize with parameters from the data in one kernel call. The reference
// kernel must equal what it fuses: the per-group min/max, qparamsFromRanges and quantizeBlocked.

function data(n: number, f64: boolean, seed: number): FloatArray {
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = ((s / 2147483648) * 2 - 1) * (1 + (i % 7) * 100);
    if (i % 97 === 5) x[i] = NaN;
    if (i % 89 === 3) x[i] = -0;
  }
  return x;
}

/** The composition the kernel fuses, by the public API: parameters from computeQParams, codes from quantize with them. */
function composed(x: FloatArray, layout: BlockLayout, scheme: Scheme, bits: number) {
  const shape = [layout.outer, layout.dim, layout.inner];
  const options = { shape, scheme, bits, granularity: { axis: 1, blockSize: layout.blockSize } };
  const q = computeQParams(x, options);
  const codes = quantize(x, { ...options, scale: q.scale, zeroPoint: q.zeroPoint }).data;
  return { scales: q.scale as FloatArray, zeroPoints: q.zeroPoint as Int32Array, codes };
}

describe('quantizeBlockedMinMax (reference kernel)', () => {
  const layouts: BlockLayout[] = [
    { outer: 3, dim: 64, inner: 1, blockSize: 32 },
    { outer: 4, dim: 70, inner: 1, blockSize: 32 }, // a partial block ends every row
    { outer: 1, dim: 5, inner: 1, blockSize: 8 }, // one block shorter than blockSize
    { outer: 2, dim: 33, inner: 3, blockSize: 4 }, // blocks across rows of 3 columns
    { outer: 2, dim: 7, inner: 5, blockSize: 7 },
  ];
  for (const layout of layouts) {
    for (const [scheme, bits] of [['affine', 8], ['symmetric', 8], ['affine', 4], ['symmetric', 12]] as const) {
      for (const f64 of [false, true]) {
        it(`[${layout.outer}, ${layout.dim}, ${layout.inner}] block ${layout.blockSize}, ${scheme} ${bits}-bit, ${f64 ? 'float64' : 'float32'}`, () => {
          const n = layout.outer * layout.dim * layout.inner;
          const x = data(n, f64, n + bits);
          const want = composed(x, layout, scheme, bits);
          const groups = layout.outer * Math.ceil(layout.dim / layout.blockSize) * layout.inner;
          const scales = f64 ? new Float64Array(groups) : new Float32Array(groups);
          const zeroPoints = new Int32Array(groups);
          const out = want.codes.constructor === Int16Array ? new Int16Array(n) : want.codes.constructor === Int8Array ? new Int8Array(n) : want.codes.constructor === Uint16Array ? new Uint16Array(n) : new Uint8Array(n);
          const spec = { qmin: scheme === 'symmetric' ? -(2 ** (bits - 1)) : 0, qmax: scheme === 'symmetric' ? 2 ** (bits - 1) - 1 : 2 ** bits - 1, profile: 'onnx' as const };
          expect(kernels.quantizeBlockedMinMax(x, layout, scheme, spec, scales, zeroPoints, out)).toBe(-1);
          expect(scales).toStrictEqual(want.scales);
          expect(zeroPoints).toStrictEqual(want.zeroPoints);
          expect(out).toStrictEqual(want.codes);
          // The API's blocked quantize runs this kernel.
          const qt = quantize(x, { shape: [layout.outer, layout.dim, layout.inner], scheme, bits, granularity: { axis: 1, blockSize: layout.blockSize } });
          expect(qt.data).toStrictEqual(want.codes);
          expect(qt.scale).toStrictEqual(want.scales);
        });
      }
    }
  }

  it('returns the first group whose range has no parameters; the API throws the error of that range', () => {
    const x = new Float32Array(96).fill(1);
    x[70] = Infinity; // group 2 of blocks of 32
    x[40] = NaN;
    const layout = { outer: 1, dim: 96, inner: 1, blockSize: 32 };
    const r = referenceBackend.quantizeBlockedMinMax(x, layout, 'affine', { qmin: 0, qmax: 255, profile: 'onnx' }, new Float32Array(3), new Int32Array(3), new Uint8Array(96));
    expect(r).toBe(2);
    expect(() => quantize(x, { granularity: { axis: 0, blockSize: 32 } })).toThrow(/range must be finite, got \[1, Infinity\]/);
    expect(errorCodeOf(() => quantize(x, { granularity: { axis: 0, blockSize: 32 } }))).toBe('ERR_QUANT_RANGE');
  });

  it('validates its outputs: scales in the precision of x, zero points as Int32Array', () => {
    const x = new Float32Array(8);
    const layout = { outer: 1, dim: 8, inner: 1, blockSize: 4 };
    const spec = { qmin: 0, qmax: 255, profile: 'onnx' as const };
    expect(errorCodeOf(() => kernels.quantizeBlockedMinMax(x, layout, 'affine', spec, new Float64Array(2), new Int32Array(2), new Uint8Array(8)))).toBe('ERR_QUANT_OUTPUT');
    expect(errorCodeOf(() => kernels.quantizeBlockedMinMax(x, layout, 'affine', spec, new Float32Array(2), new Int32Array(3), new Uint8Array(8)))).toBe('ERR_QUANT_OUTPUT');
    expect(errorCodeOf(() => kernels.quantizeBlockedMinMax(x, layout, 'other' as Scheme, spec, new Float32Array(2), new Int32Array(2), new Uint8Array(8)))).toBe('ERR_QUANT_OPTION');
  });
});
