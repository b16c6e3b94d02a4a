import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import {
  absMaxCase,
  axisLayout,
  blockGroups,
  blockLayout,
  dequantizeAxisCase,
  dequantizeTensorCase,
  fakeQuantizeTensorCase,
  minMaxCase,
  quantizeApiCase,
  quantizeAxisCase,
  quantizeBlockedCase,
  quantizeTensorCase,
  specOf,
} from '../builders.js';

/*
 * Float64Array inputs are computed in double precision throughout: no float32 rounding of x, of the scale or of the
 * quotient. The cases pick values where float32 arithmetic would give a different code (2.5 + 1e-12 over scale 1,
 * scales like 0.1 that float32 cannot hold) and dequantize into float64 and into float32 (one rounding at the end).
 */

export function float64(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0xf64);
  const cases: CorpusCase[] = [];
  const near = Float64Array.from([2.5 + 1e-12, 2.5 - 1e-12, -2.5 - 1e-12, 0.30000000000000004, 1e-17, 127.49999999999999, 16777217, 1 / 3]);
  for (const profile of ['onnx', 'pytorch'] as const) {
    cases.push(quantizeTensorCase(`values float32 would round differently (${profile})`, near, 1, 0, specOf('symmetric', 8, profile)));
    cases.push(quantizeTensorCase(`scale 0.1 is not a float32 (${profile})`, Float64Array.from([0.25, 0.35, 0.45, -0.25, -0.35, 12.7, -12.8]), 0.1, 0, specOf('symmetric', 8, profile)));
    for (const [bits, scheme, scale, zp] of [
      [8, 'symmetric', 0.1, 0],
      [8, 'affine', 1 / 3, 17],
      [16, 'symmetric', 0.007, -100],
      [16, 'affine', 0.0031, 33333],
      [4, 'symmetric', 0.3, 1],
      [12, 'affine', 0.01, 2048],
    ] as const) {
      const x = new Float64Array(257);
      rng.fill(x, 'normal', scale * 40);
      const s = specOf(scheme, bits, profile);
      cases.push(quantizeTensorCase(`normal data ${s.label} scale=${scale} zp=${zp}`, x, scale, zp, s));
      cases.push(fakeQuantizeTensorCase(`fake-quantize normal data ${s.label} scale=${scale} zp=${zp}`, x, scale, zp, s));
    }
    const shape = [3, 5, 7];
    for (let axis = 0; axis < 3; axis++) {
      const x = new Float64Array(105);
      rng.fill(x, 'heavy-tailed', 1);
      const layout = axisLayout(shape, axis);
      const scales = Float64Array.from({ length: layout.channels }, () => 0.01 + rng.next() / 10);
      const zps = Int32Array.from({ length: layout.channels }, () => rng.int(-20, 20));
      cases.push(quantizeAxisCase(`per-axis [3,5,7] axis ${axis} int8 ${profile}`, x, scales, zps, layout, specOf('symmetric', 8, profile)));
      const bl = blockLayout(shape, axis, 2);
      const bScales = Float64Array.from({ length: blockGroups(bl) }, () => 0.01 + rng.next() / 10);
      const bZps = Int32Array.from({ length: blockGroups(bl) }, () => rng.int(0, 255));
      cases.push(quantizeBlockedCase(`blocked [3,5,7] axis ${axis} block 2 uint8 ${profile}`, x, bScales, bZps, bl, specOf('affine', 8, profile)));
    }
  }
  const codes8 = Int8Array.from({ length: 300 }, () => rng.int(-128, 127));
  const codes16 = Uint16Array.from({ length: 300 }, () => rng.int(0, 65535));
  for (const scale of [0.1, 1 / 3, 1e-5, 123.456]) {
    cases.push(dequantizeTensorCase(`int8 -> float64 scale=${scale}`, codes8, scale, 3, 'float64'));
    cases.push(dequantizeTensorCase(`int8 -> float32 scale=${scale} (rounded once)`, codes8, scale, 3, 'float32'));
    cases.push(dequantizeTensorCase(`uint16 -> float64 scale=${scale}`, codes16, scale, 30000, 'float64'));
  }
  const layout = axisLayout([4, 75], 0);
  cases.push(dequantizeAxisCase('per-axis int8 -> float64', codes8, Float64Array.of(0.1, 0.2, 1 / 3, 1e-3), Int32Array.of(0, 1, -1, 5), layout, 'float64'));
  const big = Float64Array.from([1e300, -1e300, 5e-324, 3.5e38, -1e39, 0.1]);
  cases.push(minMaxCase('values beyond the float32 range', big));
  cases.push(absMaxCase('values beyond the float32 range', big));
  const data = new Float64Array(199);
  rng.fill(data, 'normal', 1 / 3);
  cases.push(quantizeApiCase('API affine minmax, float64 scale', data, {}));
  cases.push(quantizeApiCase('API symmetric 12-bit pytorch, float64 scale', data, { scheme: 'symmetric', bits: 12, profile: 'pytorch' }));
  cases.push(quantizeApiCase('API per-axis float64', data.subarray(0, 198), { shape: [2, 99], granularity: { axis: 1 }, scheme: 'symmetric' }));
  return {
    description: 'Float64Array inputs: double-precision division and reciprocal, scales float32 cannot hold, per-axis and blocked, dequantize into float64 and float32, reductions beyond the float32 range.',
    cases,
  };
}
