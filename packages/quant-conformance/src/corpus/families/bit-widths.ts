import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import { dequantizeTensorCase, fakeQuantizeApiCase, quantizeApiCase, quantizeTensorCase, specOf } from '../builders.js';

/*
 * Every bit width 2..16, affine and symmetric, full and narrow range: parameter selection through the API
 * (scale, zero point, codes), fake-quantize, the quantize kernel in both profiles, and dequantize of every code (a
 * sample of 1024 codes above 10 bits).
 */

/** Every code up to 10 bits; above, the 256 lowest, the 256 highest and 512 spread between (keeps the corpus small). */
function everyCodeOrSample(qmin: number, qmax: number): number[] {
  const count = qmax - qmin + 1;
  if (count <= 1024) return Array.from({ length: count }, (_, i) => qmin + i);
  const picked = new Set<number>();
  for (let i = 0; i < 256; i++) {
    picked.add(qmin + i);
    picked.add(qmax - i);
  }
  for (let i = 0; i < 512; i++) picked.add(qmin + Math.floor(((i + 0.5) * count) / 512));
  return [...picked].sort((a, b) => a - b);
}

export function bitWidths(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0xb175);
  const cases: CorpusCase[] = [];
  const x = new Float32Array(97);
  rng.fill(x, 'normal', 1.5);
  x[0] = 3.25; // a positive-heavy range, so the affine zero point is not in the middle
  const x64 = Float64Array.from(x, (v) => v * 1.0000001);
  for (let bits = 2; bits <= 16; bits++) {
    for (const scheme of ['affine', 'symmetric'] as const) {
      for (const narrowRange of [false, true]) {
        const tag = `${bits}-bit ${scheme}${narrowRange ? ' narrow' : ''}`;
        cases.push(quantizeApiCase(`API ${tag} float32`, x, { bits, scheme, narrowRange }));
        cases.push(quantizeApiCase(`API ${tag} float64 pytorch`, x64, { bits, scheme, narrowRange, profile: 'pytorch' }));
        cases.push(fakeQuantizeApiCase(`API fake-quantize ${tag}`, x, { bits, scheme, narrowRange }));
        for (const profile of ['onnx', 'pytorch'] as const) {
          const s = specOf(scheme, bits, profile, narrowRange);
          const zp = scheme === 'affine' ? Math.min(s.spec.qmax, 1 + (2 ** bits >> 2)) : 0;
          const scale = 3 / 2 ** (bits - 1);
          cases.push(quantizeTensorCase(`kernel ${s.label} zp=${zp}`, x, scale, zp, s));
        }
      }
      const s = specOf(scheme, bits);
      const codes = everyCodeOrSample(s.spec.qmin, s.spec.qmax);
      const all = new (bits <= 8 ? (scheme === 'affine' ? Uint8Array : Int8Array) : scheme === 'affine' ? Uint16Array : Int16Array)(codes);
      const zp = scheme === 'affine' ? 2 ** (bits - 1) : 0;
      cases.push(dequantizeTensorCase(`dequantize ${bits}-bit ${scheme} codes`, all, 3 / 2 ** bits, zp, 'float32'));
    }
  }
  return {
    description: 'Bit widths 2..16, affine and symmetric, full and narrow ranges: API parameter selection and codes, fake-quantize, the quantize kernel in both profiles, and dequantize of every code.',
    cases,
  };
}
