import type { CorpusCase } from '../schema.js';
import {
  absMaxCase,
  axisLayout,
  dequantizeTensorCase,
  f32FromBits,
  f64FromBits,
  fakeQuantizeTensorCase,
  minMaxAxisCase,
  minMaxCase,
  quantizeApiCase,
  quantizeTensorCase,
  specOf,
} from '../builders.js';

/*
 * IEEE special values: NaN (quiet, negative, with payloads, signalling) -> qmin; +Inf -> qmax; -Inf -> qmin; ±0 -> zp;
 * subnormal inputs and subnormal scales (a backend that flushes denormals to zero fails here); ±FLT_MAX; and the
 * reductions (NaN ignored, ±Inf counted, empty and all-NaN inputs).
 */

const F32_SPECIALS = [
  0x7fc00000, // NaN
  0xffc00000, // -NaN
  0x7fc00001, // NaN with payload
  0x7f800001, // signalling NaN
  0xffffffff, // all-ones NaN
  0x7f800000, // +Inf
  0xff800000, // -Inf
  0x00000000, // +0
  0x80000000, // -0
  0x00000001, // smallest subnormal
  0x80000001,
  0x00400000, // a mid subnormal
  0x807fffff, // largest subnormal, negative
  0x007fffff,
  0x00800000, // smallest normal
  0x80800000,
  0x7f7fffff, // FLT_MAX
  0xff7fffff,
  0x3f800000, // 1
  0xbf800000, // -1
  0x3f000000, // 0.5
  0xbfc00000, // -1.5
];

const F64_SPECIALS = [
  0x7ff8000000000000n, // NaN
  0xfff8000000000000n, // -NaN
  0x7ff8000000000001n, // NaN with payload
  0x7ff0000000000001n, // signalling NaN
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x0000000000000000n, // +0
  0x8000000000000000n, // -0
  0x0000000000000001n, // smallest subnormal
  0x8000000000000001n,
  0x000fffffffffffffn, // largest subnormal
  0x0010000000000000n, // smallest normal
  0x7fefffffffffffffn, // DBL_MAX
  0xffefffffffffffffn,
  0x36a0000000000000n, // 2^-149 (float32's smallest subnormal)
  0x47efffffe0000000n, // FLT_MAX
  0x3ff0000000000000n, // 1
  0xbff8000000000000n, // -1.5
];

const F32_SCALES = [1, 0.1, 2 ** -126, 2 ** -140, 2 ** -149, 1e-40, 3e38];
const F64_SCALES = [1, 0.1, 2 ** -1022, 2 ** -1074, 1e-310, 2 ** -149, 1e308];

export function specialValues(): { description: string; cases: CorpusCase[] } {
  const cases: CorpusCase[] = [];
  const x32 = f32FromBits(F32_SPECIALS);
  const x64 = f64FromBits(F64_SPECIALS);
  const storages = [
    { scheme: 'symmetric', bits: 8, zp: 0 },
    { scheme: 'affine', bits: 8, zp: 128 },
    { scheme: 'symmetric', bits: 16, zp: -5 },
    { scheme: 'affine', bits: 16, zp: 100 },
    { scheme: 'symmetric', bits: 4, zp: -2 },
    { scheme: 'affine', bits: 2, zp: 1 },
  ] as const;
  for (const profile of ['onnx', 'pytorch'] as const) {
    for (const { scheme, bits, zp } of storages) {
      const s = specOf(scheme, bits, profile);
      for (const scale of F32_SCALES) cases.push(quantizeTensorCase(`float32 specials ${s.label} zp=${zp} scale=${scale}`, x32, scale, zp, s));
      for (const scale of F64_SCALES) cases.push(quantizeTensorCase(`float64 specials ${s.label} zp=${zp} scale=${scale}`, x64, scale, zp, s));
    }
    const s8 = specOf('affine', 8, profile);
    for (const scale of [1, 2 ** -149, 3e38]) cases.push(fakeQuantizeTensorCase(`float32 specials fake-quantize uint8 ${profile} scale=${scale}`, x32, scale, 128, s8));
    for (const scale of [1, 2 ** -1074]) cases.push(fakeQuantizeTensorCase(`float64 specials fake-quantize uint8 ${profile} scale=${scale}`, x64, scale, 128, s8));
    const finite32 = x32.filter((v) => Number.isFinite(v));
    cases.push(fakeQuantizeTensorCase(`float32 finite specials fake-quantize int8 ${profile}`, finite32, 2 ** -140, 0, specOf('symmetric', 8, profile)));
  }
  // Dequantize into subnormals: a flush-to-zero multiply loses these.
  const codes = Int8Array.of(-128, -3, -1, 0, 1, 2, 127);
  for (const scale of [2 ** -149, 2 ** -140, 1e-40]) cases.push(dequantizeTensorCase(`int8 -> float32 subnormal results scale=${scale}`, codes, scale, 0, 'float32'));
  for (const scale of [2 ** -1074, 1e-310]) cases.push(dequantizeTensorCase(`int8 -> float64 subnormal results scale=${scale}`, codes, scale, 0, 'float64'));
  cases.push(dequantizeTensorCase('int16 -> float32 rounding into subnormals scale=1e-45', Int16Array.of(-32768, -3, 1, 2, 3, 32767), 1e-45, 0, 'float32'));

  // Reductions.
  const nan = NaN;
  const reductions: [string, number[]][] = [
    ['empty', []],
    ['all NaN', [nan, nan, nan]],
    ['NaN first', [nan, 1, -2, 3]],
    ['NaN last', [1, -2, 3, nan]],
    ['NaN between', [5, nan, -7, nan, 2]],
    ['+Inf and -Inf', [1, Infinity, -Infinity, 0]],
    ['only +Inf', [Infinity, nan]],
    ['signed zeros', [-0, 0, -0]],
    ['subnormals', [1e-45, -1e-45, 1.4e-45]],
    ['FLT_MAX', [3.4028234663852886e38, -3.4028234663852886e38]],
  ];
  for (const [name, v] of reductions) {
    cases.push(minMaxCase(`float32 ${name}`, Float32Array.from(v)));
    cases.push(absMaxCase(`float32 ${name}`, Float32Array.from(v)));
    cases.push(minMaxCase(`float64 ${name}`, Float64Array.from(v)));
    cases.push(absMaxCase(`float64 ${name}`, Float64Array.from(v)));
  }
  cases.push(minMaxCase('float32 specials', x32));
  cases.push(absMaxCase('float32 specials', x32));
  cases.push(minMaxCase('float64 specials', x64));
  cases.push(absMaxCase('float64 specials', x64));
  cases.push(minMaxAxisCase('float32 per-axis with NaN and Inf', Float32Array.from([nan, 1, Infinity, -2, nan, nan, -Infinity, 0, 5]), axisLayout([3, 3], 0)));
  cases.push(minMaxAxisCase('float32 per-axis with NaN and Inf, axis 1', Float32Array.from([nan, 1, Infinity, -2, nan, nan, -Infinity, 0, 5]), axisLayout([3, 3], 1)));

  // Parameter selection ignores NaN; an all-NaN tensor gets scale 1 and quantizes to qmin.
  cases.push(quantizeApiCase('float32 NaN is ignored by minmax', Float32Array.from([nan, -1, 2, nan, 0.5]), {}));
  cases.push(quantizeApiCase('float32 all NaN', Float32Array.from([nan, nan]), { scheme: 'symmetric' }));
  cases.push(quantizeApiCase('float32 subnormal range gets the smallest normal scale', Float32Array.from([1e-45, -3e-45, 0]), { scheme: 'symmetric' }));
  cases.push(quantizeApiCase('float64 subnormal range gets the smallest normal scale', Float64Array.from([5e-324, -1e-320, 0]), {}));
  return {
    description: 'NaN (quiet, negative, payload, signalling), ±Inf, ±0, subnormal inputs, subnormal scales and subnormal results, ±FLT_MAX / ±DBL_MAX, in both profiles; reductions with NaN, Inf, empty and all-NaN inputs.',
    cases,
  };
}
