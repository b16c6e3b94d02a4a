import { describe, expect, it } from 'vitest';
import { kernels, quantize, roundHalfEven, storageSpec, type KernelSpec } from './helpers/api.js';

const u8: KernelSpec = { qmin: 0, qmax: 255, profile: 'onnx' };
const i8: KernelSpec = { qmin: -128, qmax: 127, profile: 'onnx' };

function q8(values: number[], scale: number, zp: number, spec: KernelSpec, Input: typeof Float32Array | typeof Float64Array = Float32Array): number[] {
  const out = spec.qmin < 0 ? new Int8Array(values.length) : new Uint8Array(values.length);
  kernels.quantizeTensor(new Input(values), scale, zp, spec, out);
  return Array.from(out);
}

describe('rounding', () => {
  it('roundHalfEven rounds ties to even in both directions', () => {
    // + 0 folds -0 into 0: the sign of a zero code carries no information.
    const rounded = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 1e300, -7.5].map((v) => roundHalfEven(v) + 0);
    expect(rounded).toEqual([0, 2, 2, 0, -2, -2, 2, 1e300, -8]);
    expect(roundHalfEven(NaN)).toBeNaN();
  });

  it('ties go to even before the zero point is added (odd and even zero points)', () => {
    expect(q8([0.5, 1.5, 2.5, -0.5, -2.5], 1, 0, i8)).toEqual([0, 2, 2, 0, -2]);
    // With zp = 1, x/s = 0.5 gives rne(0.5) + 1 = 1, not rne(1.5) = 2 (ONNX, onnxruntime).
    expect(q8([0.5, 1.5, -0.5], 1, 1, u8)).toEqual([1, 3, 1]);
    expect(q8([0.5, 1.5, 2.5], 1, 3, i8)).toEqual([3, 5, 5]);
    expect(q8([0.5, 1.5, 2.5, -0.5, -2.5], 1, 0, i8, Float64Array)).toEqual([0, 2, 2, 0, -2]);
  });

  it('divides in float32 for Float32Array and in float64 for Float64Array', () => {
    // 0.15 / 0.1: float32 quotient 1.5 (tie -> 2), float64 quotient 1.4999999999999998 (-> 1).
    expect(Math.fround(Math.fround(0.15) / Math.fround(0.1))).toBe(1.5);
    expect(q8([0.15], 0.1, 0, i8)).toEqual([2]);
    expect(q8([0.15], 0.1, 0, i8, Float64Array)).toEqual([1]);
  });

  it("profile 'pytorch' multiplies by fl(1/fl(scale)) and differs from division near ties", () => {
    // FBGEMM's example: scale 0.00214854861, x = 0.273939937: x * inv = 127.5 (-> 128), x / s = 127.49999 (-> 127).
    const s = 0.00214854861;
    const x = 0.273939937;
    expect(q8([x], s, 0, { ...u8, profile: 'pytorch' })).toEqual([128]);
    expect(q8([x], s, 0, u8)).toEqual([127]);
  });
});

describe('saturation and special values', () => {
  it('saturates to [qmin, qmax], never wraps, also beyond 2^31', () => {
    expect(q8([1000, -1000, 3e9, -3e9, 3.4028234663852886e38, -3.4028234663852886e38], 1, 0, i8)).toEqual([127, -128, 127, -128, 127, -128]);
    expect(q8([1000, -1000, 1e300, -1e300], 1, 10, u8, Float64Array)).toEqual([255, 0, 255, 0]);
  });

  it('+Inf -> qmax, -Inf -> qmin, NaN -> qmin, whatever the zero point', () => {
    expect(q8([Infinity, -Infinity, NaN], 1, 0, i8)).toEqual([127, -128, -128]);
    expect(q8([Infinity, -Infinity, NaN], 1, 200, u8)).toEqual([255, 0, 0]);
    expect(q8([Infinity, -Infinity, NaN], 0.5, 3, i8, Float64Array)).toEqual([127, -128, -128]);
  });

  it('-0 and subnormals quantize to the zero point', () => {
    expect(q8([-0, 0, 1e-45, -1e-45, 1e-40], 0.1, 7, u8)).toEqual([7, 7, 7, 7, 7]);
    expect(q8([-0, 5e-324], 0.1, -3, i8, Float64Array)).toEqual([-3, -3]);
  });

  it('quantizing with a tiny scale saturates instead of overflowing', () => {
    expect(q8([1, -1], 1e-38, 0, i8)).toEqual([127, -128]);
  });
});

describe('every bit width', () => {
  for (let bits = 2; bits <= 16; bits++) {
    for (const scheme of ['affine', 'symmetric'] as const) {
      it(`${scheme} ${bits}-bit stores in the right array and saturates at its range`, () => {
        const spec = storageSpec(scheme, bits);
        const x = new Float32Array([-1e9, -1, 0, 1, 1e9]);
        const qt = quantize(x, { scheme, bits, range: { min: -1, max: 1 } });
        const Ctor = bits <= 8 ? (scheme === 'symmetric' ? Int8Array : Uint8Array) : scheme === 'symmetric' ? Int16Array : Uint16Array;
        expect(qt.data).toBeInstanceOf(Ctor);
        expect(qt.data[0]).toBe(spec.qmin);
        expect(qt.data[4]).toBe(spec.qmax);
        expect(spec.qmax).toBe(scheme === 'affine' ? 2 ** bits - 1 : 2 ** (bits - 1) - 1);
        expect(spec.qmin).toBe(scheme === 'affine' ? 0 : -(2 ** (bits - 1)));
        if (scheme === 'symmetric') expect(qt.data[3]).toBe(spec.qmax);
      });
    }
  }

  it('narrowRange drops the lowest code', () => {
    expect(storageSpec('symmetric', 8, true)).toMatchObject({ qmin: -127, qmax: 127 });
    expect(storageSpec('affine', 4, true)).toMatchObject({ qmin: 1, qmax: 15 });
    const qt = quantize(new Float32Array([-10, 10]), { scheme: 'symmetric', narrowRange: true, range: { min: -1, max: 1 } });
    expect(Array.from(qt.data)).toEqual([-127, 127]);
  });
});

describe('packing', () => {
  it('packs 4-bit codes low nibble first, odd tails padded with zero bits', () => {
    const q = new Int8Array([1, 2, 3, 5, -8, -6, 3]);
    const out = new Uint8Array(4);
    kernels.pack(q, 4, out);
    expect(Array.from(out)).toEqual([0x21, 0x53, 0xa8, 0x03]);
    const back = new Int8Array(7);
    kernels.unpack(out, 4, true, back);
    expect(Array.from(back)).toEqual([1, 2, 3, 5, -8, -6, 3]);
  });

  it('packs 2-bit codes four per byte, element 0 in bits 0-1', () => {
    const out = new Uint8Array(2);
    kernels.pack(new Uint8Array([0, 1, 2, 3, 3]), 2, out);
    expect(Array.from(out)).toEqual([0xe4, 0x03]);
    const back = new Int8Array(5);
    kernels.unpack(out, 2, true, back);
    expect(Array.from(back)).toEqual([0, 1, -2, -1, -1]);
  });

  it('quantize with packed: true stores ceil(n * bits / 8) bytes', () => {
    for (const [bits, n] of [[4, 7], [2, 9], [4, 0], [2, 1]] as const) {
      const qt = quantize(new Float32Array(n).map((_, i) => i), { bits, packed: true });
      expect(qt.data.length).toBe(Math.ceil((n * bits) / 8));
      expect(qt.packed).toBe(true);
    }
  });
});
