import { encodeArray } from '../../encoding.js';
import type { CorpusCase } from '../schema.js';

/*
 * The seed notebook "Implementing affine (asymmetric) and scale (symmetric) quantization from scratch" (NVIDIA
 * TensorRT quantization toolkit docs, intro_to_quantization): 20 values drawn from U(-50, 150), quantized to 8 bits.
 * Everything below is transcribed from its printed output; the values are the 8-decimal printout, so the scales
 * (which the notebook computed from the unrounded values) are checked to 1e-9.
 *
 * The notebook rounds after adding the zero point (np.round(x / s + zp)); quantkit rounds before. The two agree
 * here because no x / s is a tie.
 */

const PARAMS = [
  -10.89676688, 111.20132441, 28.54646861, 64.08626134, -44.95071907, 89.55659292, 58.83216999, -42.60038455, 129.03490232, -6.83378502, 141.84353818,
  -42.28612992, 98.82770315, 138.28224062, 17.29530148, 119.47436199, 8.19703339, 42.28238139, 75.6475437, 8.80807161,
];

const AFFINE_Q = [46, 213, 100, 148, 0, 183, 141, 3, 237, 52, 255, 3, 196, 250, 85, 224, 72, 119, 164, 73];
const SYMMETRIC_Q = [-10, 100, 26, 57, -40, 80, 53, -38, 116, -6, 127, -38, 88, 124, 15, 107, 7, 38, 68, 8];
const AFFINE_DEQ = [-10.99, 111.34, 28.57, 63.73, -44.68, 89.37, 58.6, -42.49, 128.92, -6.59, 142.11, -42.49, 98.89, 138.45, 17.58, 119.4, 8.06, 42.49, 75.45, 8.79];
const SYMMETRIC_DEQ = [-11.17, 111.69, 29.04, 63.66, -44.68, 89.35, 59.19, -42.44, 129.56, -6.7, 141.84, -42.44, 98.29, 138.49, 16.75, 119.51, 7.82, 42.44, 75.95, 8.94];

export function seedWalkthrough(): { description: string; cases: CorpusCase[] } {
  const x = encodeArray(Float64Array.from(PARAMS));
  const cases: CorpusCase[] = [
    {
      name: 'affine 8-bit: scale 0.7325264990067586, zero point 61, printed codes',
      op: 'quantize',
      x,
      options: { scheme: 'affine', bits: 8 },
      expected: { data: encodeArray(Uint8Array.from(AFFINE_Q)), scale: { approx: 0.7325264990067586, tolerance: 1e-9 }, zeroPoint: 61 },
    },
    {
      name: 'symmetric 8-bit: scale 1.1168782533835167, printed codes',
      op: 'quantize',
      x,
      options: { scheme: 'symmetric', bits: 8 },
      expected: { data: encodeArray(Int8Array.from(SYMMETRIC_Q)), scale: { approx: 1.1168782533835167, tolerance: 1e-9 }, zeroPoint: 0 },
    },
    {
      name: 'affine dequantized values (2 decimals) and MSE 0.04',
      op: 'fakeQuantizeWithError',
      x,
      options: { scheme: 'affine', bits: 8 },
      decimals: 2,
      expectedValues: AFFINE_DEQ,
      expectedMse: 0.04,
    },
    {
      name: 'symmetric dequantized values (2 decimals) and MSE 0.11',
      op: 'fakeQuantizeWithError',
      x,
      options: { scheme: 'symmetric', bits: 8 },
      decimals: 2,
      expectedValues: SYMMETRIC_DEQ,
      expectedMse: 0.11,
    },
  ];
  return {
    description: 'The seed notebook walkthrough (20 values, affine and symmetric 8-bit): scales, zero point, codes, dequantized values and MSE as printed by the notebook.',
    cases,
  };
}
