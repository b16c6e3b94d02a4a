import type { FloatArray } from '@quantkit/quant-core';
import type { CorpusCase } from '../schema.js';
import { fakeQuantizeTensorCase, quantizeApiCase, quantizeTensorCase, specOf } from '../builders.js';

/*
 * Exact ties: x / scale lands on k + 0.5. Round half to even must give the even neighbour (2.5 -> 2, -2.5 -> -2,
 * 3.5 -> 4), before the zero point is added (with an odd zero point, 0.5 -> 0 + zp, not round(0.5 + zp)).
 */

const TIES = [-6.5, -5.5, -4.5, -3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5];

/** Ties at the edges of every storage range: rounding and clamping meet there. */
const EDGE_TIES = [-32768.5, -32767.5, -128.5, -127.5, -126.5, 126.5, 127.5, 128.5, 253.5, 254.5, 255.5, 32766.5, 32767.5, 65534.5, 65535.5];

/** float32 x whose float32 quotient by `scale` is exactly k + 0.5 (found by searching around (k + 0.5) * scale). */
function f32TiesFor(scale: number, profile: 'onnx' | 'pytorch'): number[] {
  const s = Math.fround(scale);
  const r = Math.fround(1 / s);
  const found: number[] = [];
  const buf = new Float32Array(1);
  const bits = new Uint32Array(buf.buffer);
  for (let k = -40; k <= 40; k++) {
    buf[0] = (k + 0.5) * s;
    const center = bits[0]!;
    for (let d = -4; d <= 4; d++) {
      bits[0] = center + d;
      const x = buf[0]!;
      const t = profile === 'onnx' ? Math.fround(x / s) : Math.fround(x * r);
      if (t === k + 0.5) {
        found.push(x);
        break;
      }
    }
  }
  return found;
}

export function roundingTies(): { description: string; cases: CorpusCase[] } {
  const cases: CorpusCase[] = [];
  const storages = [
    ['symmetric', 8],
    ['affine', 8],
    ['symmetric', 16],
    ['affine', 16],
    ['symmetric', 4],
    ['affine', 12],
  ] as const;
  for (const dtype of ['float32', 'float64'] as const) {
    const make = (v: number[]): FloatArray => (dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v));
    for (const profile of ['onnx', 'pytorch'] as const) {
      for (const [scheme, bits] of storages) {
        const s = specOf(scheme, bits, profile);
        const zps = [0, 1, 3, s.spec.qmin < 0 ? -3 : 8].filter((z) => z >= s.spec.qmin && z <= s.spec.qmax);
        for (const zp of zps) {
          for (const scale of [0.25, 1, 8]) {
            const x = make(TIES.map((t) => t * scale));
            cases.push(quantizeTensorCase(`${dtype} ${s.label} ties scale=${scale} zp=${zp}`, x, scale, zp, s));
          }
        }
        cases.push(quantizeTensorCase(`${dtype} ${s.label} edge ties`, make(EDGE_TIES), 1, 0, s));
        cases.push(fakeQuantizeTensorCase(`${dtype} ${s.label} fake-quantize ties`, make(TIES.map((t) => t / 4)), 0.25, zps[zps.length - 1]!, s));
      }
    }
  }
  for (const scale of [0.1, 0.3, 3, 1 / 3, 0.0123]) {
    for (const profile of ['onnx', 'pytorch'] as const) {
      const x = Float32Array.from(f32TiesFor(scale, profile));
      for (const zp of [0, 1]) {
        cases.push(quantizeTensorCase(`float32 searched ties scale=${scale} ${profile} zp=${zp}`, x, scale, zp, specOf('symmetric', 8, profile)));
        cases.push(quantizeTensorCase(`float32 searched ties scale=${scale} ${profile} uint8 zp=${zp + 100}`, x, scale, zp + 100, specOf('affine', 8, profile)));
      }
    }
  }
  // The zero point is rounded half to even too: lo / scale = -1.5 gives zp = 2 (half up would give 1).
  for (const dtype of ['float32', 'float64'] as const) {
    const x = dtype === 'float32' ? Float32Array.of(-1.5, 253.5, 0.5, 1.5, 2.5) : Float64Array.of(-1.5, 253.5, 0.5, 1.5, 2.5);
    cases.push(quantizeApiCase(`${dtype} zero point from a tie (range -1.5..253.5)`, x, { range: { min: -1.5, max: 253.5 } }));
    cases.push(quantizeApiCase(`${dtype} zero point from a tie (range -2.5..252.5)`, x, { range: { min: -2.5, max: 252.5 } }));
  }
  return {
    description: 'Exact ties (x / scale = k + 0.5) in both profiles, every storage type, odd and even zero points, at the range edges, and in zero-point selection: round half to even before adding the zero point.',
    cases,
  };
}
