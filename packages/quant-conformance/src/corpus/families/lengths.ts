import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import {
  absMaxCase,
  dequantizeTensorCase,
  fakeQuantizeTensorCase,
  minMaxCase,
  packCase,
  quantizeTensorCase,
  range,
  specOf,
  unpackCase,
} from '../builders.js';

/*
 * Every length 0..130 and 1000..1030: all remainders modulo every vector width up to 64 elements (and 128, 1024),
 * so a SIMD main loop, its unrolled variants and its scalar tail each meet every split. Each case is a sweep over
 * prefixes of one array. The reduction inputs alternate a rising positive and a falling negative ramp, so the
 * maximum and the minimum are always among the last elements (a tail that is skipped changes the result).
 */

export const SWEEP_LENGTHS: readonly number[] = [...range(0, 130), ...range(1000, 1030)];
const N = 1030;

function noisy(rng: Rng, dtype: 'float32' | 'float64', spread: number): Float32Array | Float64Array {
  const x = dtype === 'float32' ? new Float32Array(N) : new Float64Array(N);
  rng.fill(x, 'normal', spread);
  return x;
}

/** x[i] = ±(i + noise): max at the last even index, min at the last odd index, |x| largest at the end. */
function ramps(rng: Rng, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const x = dtype === 'float32' ? new Float32Array(N) : new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = (i % 2 === 0 ? 1 : -1) * (i + rng.next() * 0.5);
  return x;
}

export function lengths(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0x1e4673);
  const L = SWEEP_LENGTHS;
  const cases: CorpusCase[] = [];
  const q = [
    { x: noisy(rng, 'float32', 3), scale: 0.05, zp: 0, s: specOf('symmetric', 8, 'onnx') },
    { x: noisy(rng, 'float32', 3), scale: 0.03, zp: 131, s: specOf('affine', 8, 'pytorch') },
    { x: noisy(rng, 'float32', 300), scale: 0.01, zp: -7, s: specOf('symmetric', 16, 'onnx') },
    { x: noisy(rng, 'float32', 300), scale: 0.013, zp: 30001, s: specOf('affine', 16, 'pytorch') },
    { x: noisy(rng, 'float32', 2), scale: 0.25, zp: 0, s: specOf('symmetric', 4, 'onnx') },
    { x: noisy(rng, 'float64', 3), scale: 0.05, zp: 1, s: specOf('symmetric', 8, 'onnx') },
    { x: noisy(rng, 'float64', 300), scale: 0.011, zp: 777, s: specOf('affine', 16, 'pytorch') },
  ];
  for (const { x, scale, zp, s } of q) {
    const dtype = x instanceof Float32Array ? 'float32' : 'float64';
    cases.push(quantizeTensorCase(`quantize ${dtype} ${s.label} zp=${zp}`, x, scale, zp, s, L));
  }
  for (const { x, scale, zp, s } of [q[0]!, q[1]!, q[5]!, q[6]!]) {
    const dtype = x instanceof Float32Array ? 'float32' : 'float64';
    cases.push(fakeQuantizeTensorCase(`fake-quantize ${dtype} ${s.label} zp=${zp}`, x, scale, zp, s, L));
  }
  const int8 = Int8Array.from({ length: N }, () => rng.int(-128, 127));
  const uint8 = Uint8Array.from({ length: N }, () => rng.int(0, 255));
  const int16 = Int16Array.from({ length: N }, () => rng.int(-32768, 32767));
  const uint16 = Uint16Array.from({ length: N }, () => rng.int(0, 65535));
  cases.push(dequantizeTensorCase('dequantize int8 -> float32', int8, 0.0173, -3, 'float32', L));
  cases.push(dequantizeTensorCase('dequantize uint8 -> float32', uint8, 0.25, 128, 'float32', L));
  cases.push(dequantizeTensorCase('dequantize int16 -> float32', int16, 1e-3, 0, 'float32', L));
  cases.push(dequantizeTensorCase('dequantize uint16 -> float64', uint16, 0.1, 32768, 'float64', L));
  cases.push(dequantizeTensorCase('dequantize int8 -> float64', int8, 1 / 3, 5, 'float64', L));
  for (const dtype of ['float32', 'float64'] as const) {
    const x = ramps(rng, dtype);
    cases.push(minMaxCase(`minMax ${dtype} ramps`, x, L));
    cases.push(absMaxCase(`absMax ${dtype} ramps`, x, L));
  }
  const nibbles = Int8Array.from({ length: N }, () => rng.int(-8, 7));
  const crumbs = Uint8Array.from({ length: N }, () => rng.int(0, 3));
  cases.push(packCase('pack int4', nibbles, 4, L));
  cases.push(packCase('pack uint2', crumbs, 2, L));
  const noise = Uint8Array.from({ length: N }, () => rng.int(0, 255));
  for (const bits of [4, 2] as const) {
    for (const signed of [true, false]) {
      cases.push(unpackCase(`unpack ${signed ? 'int' : 'uint'}${bits} from random bytes`, noise.subarray(0, Math.ceil((N * bits) / 8)), bits, signed, N, L));
    }
  }
  return {
    description: 'Sweeps over lengths 0..130 and 1000..1030 (every remainder of every vector width) for quantize, fake-quantize, dequantize, minMax, absMax, pack and unpack.',
    cases,
  };
}
