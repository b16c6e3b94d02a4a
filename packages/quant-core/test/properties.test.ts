import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dequantize, fakeQuantize, quantize, storageSpec, type Profile, type Scheme } from './helpers/api.js';

const finite32 = fc.float({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const vector32 = fc.array(finite32, { minLength: 1, maxLength: 200 }).map((a) => new Float32Array(a));
const vector64 = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 200 }).map((a) => new Float64Array(a));
const options = fc.record({
  scheme: fc.constantFrom<Scheme>('affine', 'symmetric'),
  bits: fc.integer({ min: 2, max: 16 }),
  profile: fc.constantFrom<Profile>('onnx', 'pytorch'),
  narrowRange: fc.boolean(),
});

describe('properties (fast-check)', () => {
  it('inside the range, |x - dequantize(quantize(x))| <= scale / 2 (plus output rounding)', () => {
    fc.assert(
      fc.property(fc.oneof(vector32, vector64), options, (x, o) => {
        const qt = quantize(x, o);
        const y = dequantize(qt);
        const s = qt.scale as number;
        const range = storageSpec(o.scheme, o.bits, o.narrowRange);
        // Division and dequantization each round once in the working precision: allow a few ulps of the values.
        const eps = x instanceof Float32Array ? 2 ** -22 : 2 ** -50;
        for (let i = 0; i < x.length; i++) {
          const bound = s / 2 + eps * (Math.abs(x[i]!) + Math.abs(y[i]!) + s);
          // Codes strictly inside [qmin, qmax] were not saturated: their input lies inside the representable range.
          const inRange = qt.data[i]! > range.qmin && qt.data[i]! < range.qmax;
          if (inRange) expect(Math.abs(x[i]! - y[i]!), `x=${x[i]} code=${qt.data[i]} scale=${s}`).toBeLessThanOrEqual(bound);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the min/max range itself is inside the representable range for affine (error <= scale/2 everywhere)', () => {
    fc.assert(
      fc.property(vector64, fc.integer({ min: 2, max: 16 }), (x, bits) => {
        const qt = quantize(x, { bits });
        const y = dequantize(qt);
        const s = qt.scale as number;
        for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(s / 2 + 2 ** -40 * (Math.abs(x[i]!) + s));
      }),
      { numRuns: 200 },
    );
  });

  it('fakeQuantize is idempotent under the same parameters', () => {
    fc.assert(
      fc.property(fc.oneof(vector32, vector64), options, (x, o) => {
        const qt = quantize(x, o);
        const params = { ...o, scale: qt.scale as number, zeroPoint: qt.zeroPoint as number };
        const once = fakeQuantize(x, params);
        const twice = fakeQuantize(once, params);
        expect(Array.from(twice)).toEqual(Array.from(once));
      }),
      { numRuns: 300 },
    );
  });

  it('quantization is monotonic', () => {
    fc.assert(
      fc.property(fc.oneof(vector32, vector64), options, (x, o) => {
        const sorted = x.slice().sort();
        const qt = quantize(sorted, o);
        for (let i = 1; i < sorted.length; i++) expect(qt.data[i]!).toBeGreaterThanOrEqual(qt.data[i - 1]!);
      }),
      { numRuns: 300 },
    );
  });
});
