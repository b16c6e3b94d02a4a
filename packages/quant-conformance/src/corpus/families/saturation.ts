import type { FloatArray } from '@quantkit/quant-core';
import type { CorpusCase } from '../schema.js';
import { dequantizeTensorCase, fakeQuantizeTensorCase, quantizeTensorCase, specOf } from '../builders.js';

/*
 * Saturation: values beyond the code range clamp to qmin / qmax and never wrap, for every bit width, both schemes,
 * narrow ranges and zero points at either end; huge values (2^31, 2^63, FLT_MAX) included, which an int32
 * conversion before clamping would turn into INT32_MIN. Dequantize overflow goes to ±Infinity in float32.
 */

const FLT_MAX = 3.4028234663852886e38;

function probes(lo: number, hi: number, scale: number): number[] {
  const steps = [lo - 5, lo - 1, lo - 0.5, lo, lo + 1, hi - 1, hi, hi + 0.5, hi + 1, hi + 5, lo * 2 - 100, hi * 2 + 100];
  const huge = [1e10, 2 ** 31 - 128, 2 ** 31, 2 ** 32, 2 ** 63, 1e30, FLT_MAX];
  return [...steps.map((t) => t * scale), ...huge, ...huge.map((v) => -v)];
}

export function saturation(): { description: string; cases: CorpusCase[] } {
  const cases: CorpusCase[] = [];
  for (let bits = 2; bits <= 16; bits++) {
    for (const scheme of ['affine', 'symmetric'] as const) {
      for (const narrow of [false, true]) {
        for (const profile of ['onnx', 'pytorch'] as const) {
          const s = specOf(scheme, bits, profile, narrow);
          const { qmin, qmax } = s.spec;
          for (const zp of [...new Set([qmin, qmax, Math.trunc((qmin + qmax) / 2)])]) {
            const scale = profile === 'onnx' ? 0.5 : 0.75;
            const x = Float32Array.from(probes(qmin - zp, qmax - zp, scale));
            cases.push(quantizeTensorCase(`float32 ${s.label} zp=${zp} scale=${scale}`, x, scale, zp, s));
          }
        }
      }
    }
  }
  const DBL_MAX = Number.MAX_VALUE;
  for (const profile of ['onnx', 'pytorch'] as const) {
    const x64 = Float64Array.from([...probes(-128, 127, 1), 1e300, -1e300, DBL_MAX, -DBL_MAX, 2 ** 1000, -(2 ** 1000)]);
    cases.push(quantizeTensorCase(`float64 int8 ${profile} huge values`, x64, 1, 0, specOf('symmetric', 8, profile)));
    cases.push(quantizeTensorCase(`float64 uint16 ${profile} huge values`, x64, 0.001, 40000, specOf('affine', 16, profile)));
    cases.push(quantizeTensorCase(`float64 int8 ${profile} tiny scale saturates everything`, x64, 1e-300, 0, specOf('symmetric', 8, profile)));
    for (const [dtype, make] of [
      ['float32', (v: number[]): FloatArray => Float32Array.from(v)],
      ['float64', (v: number[]): FloatArray => Float64Array.from(v)],
    ] as const) {
      const x = make(probes(-8, 7, 0.5));
      cases.push(fakeQuantizeTensorCase(`${dtype} int4 ${profile} fake-quantize saturates`, x, 0.5, 0, specOf('symmetric', 4, profile)));
      cases.push(fakeQuantizeTensorCase(`${dtype} uint8 ${profile} fake-quantize saturates zp=255`, x, 0.5, 255, specOf('affine', 8, profile)));
    }
  }
  // Dequantize at the extremes of each storage type; a float32 output overflows to ±Infinity.
  const extremes: [string, Int8Array | Uint8Array | Int16Array | Uint16Array, number][] = [
    ['int8', Int8Array.of(-128, -127, -1, 0, 1, 126, 127), 127],
    ['uint8', Uint8Array.of(0, 1, 127, 128, 254, 255), 0],
    ['int16', Int16Array.of(-32768, -32767, -1, 0, 1, 32766, 32767), 32767],
    ['uint16', Uint16Array.of(0, 1, 32767, 32768, 65534, 65535), 0],
  ];
  for (const [name, q, zp] of extremes) {
    for (const scale of [1, 0.5, 1e38, FLT_MAX, 1e300]) {
      cases.push(dequantizeTensorCase(`${name} extremes zp=${zp} scale=${scale} -> float32`, q, scale, zp, 'float32'));
      cases.push(dequantizeTensorCase(`${name} extremes zp=${zp} scale=${scale} -> float64`, q, scale, zp, 'float64'));
    }
  }
  return {
    description: 'Saturation for bits 2..16, affine and symmetric, full and narrow ranges, zero points at both ends, both profiles, values up to ±FLT_MAX / ±DBL_MAX; dequantize of the extreme codes (float32 overflow to ±Infinity).',
    cases,
  };
}
