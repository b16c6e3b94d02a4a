import { describe, expect, it } from 'vitest';
import { dequantize, quantizationError, quantize } from './helpers/api.js';

// The seed notebook ("Implementing affine (assymetric) and scale (symmetric) quantization from scratch"), cells 2-7.
const params = new Float64Array([
  -10.89676688, 111.20132441, 28.54646861, 64.08626134, -44.95071907, 89.55659292, 58.83216999, -42.60038455,
  129.03490232, -6.83378502, 141.84353818, -42.28612992, 98.82770315, 138.28224062, 17.29530148, 119.47436199,
  8.19703339, 42.28238139, 75.6475437, 8.80807161,
]);

/** numpy's np.round(v, 2), half to even on the decimal value, as the notebook prints. */
const round2 = (v: number): number => Math.round(v * 100) / 100;

describe('the seed notebook walkthrough, reproduced', () => {
  it('8-bit affine: scale, zero point and quantized values', () => {
    const qt = quantize(params, { bits: 8 });
    // The notebook prints 0.7325264990067586 from its unrounded parameters; ours are the printed 8-decimal values.
    expect(qt.scale as number).toBeCloseTo(0.7325264990067586, 9);
    expect(qt.zeroPoint).toBe(61);
    expect(Array.from(qt.data)).toEqual([46, 213, 100, 148, 0, 183, 141, 3, 237, 52, 255, 3, 196, 250, 85, 224, 72, 119, 164, 73]);
    expect(qt.data).toBeInstanceOf(Uint8Array);
  });

  it('8-bit symmetric: scale and quantized values', () => {
    const qt = quantize(params, { bits: 8, scheme: 'symmetric' });
    expect(qt.scale as number).toBeCloseTo(1.1168782533835167, 9);
    expect(qt.zeroPoint).toBe(0);
    expect(Array.from(qt.data)).toEqual([-10, 100, 26, 57, -40, 80, 53, -38, 116, -6, 127, -38, 88, 124, 15, 107, 7, 38, 68, 8]);
    expect(qt.data).toBeInstanceOf(Int8Array);
  });

  it('dequantized arrays (cast to float32 as the notebook does) and errors match the printed values', () => {
    const affine = dequantize(quantize(params, { bits: 8 }), new Float32Array(params.length));
    const symmetric = dequantize(quantize(params, { bits: 8, scheme: 'symmetric' }), new Float32Array(params.length));
    expect(Array.from(affine, round2)).toEqual([
      -10.99, 111.34, 28.57, 63.73, -44.68, 89.37, 58.6, -42.49, 128.92, -6.59, 142.11, -42.49, 98.89, 138.45, 17.58,
      119.4, 8.06, 42.49, 75.45, 8.79,
    ]);
    expect(Array.from(symmetric, round2)).toEqual([
      -11.17, 111.69, 29.04, 63.66, -44.68, 89.35, 59.19, -42.44, 129.56, -6.7, 141.84, -42.44, 98.29, 138.49, 16.75,
      119.51, 7.82, 42.44, 75.95, 8.94,
    ]);
    expect(round2(quantizationError(params, affine).mse)).toBe(0.04);
    expect(round2(quantizationError(params, symmetric).mse)).toBe(0.11);
  });
});
