import { roundHalfEven } from '@quantkit/quant-core';
import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import { axisLayout, blockGroups, blockLayout, fakeQuantizeApiCase, fakeQuantizeTensorCase, quantizeApiCase, quantizeAxisCase, quantizeBlockedCase, quantizeTensorCase, specOf } from '../builders.js';

/*
 * The two profiles disagree near ties: 'onnx' divides (x / scale), 'pytorch' multiplies by the rounded reciprocal
 * (x * fl(1 / scale)). Each case holds inputs found by search where the two codes differ, and is run in both
 * profiles, so a backend that uses the reciprocal in the onnx profile (or divides in the pytorch one) fails.
 */

/**
 * Inputs near (k + 0.5) * scale, stepping one ulp at a time, whose codes differ between x / s and x * fl(1 / s);
 * up to `count` of them and at least `atLeast` (generation fails otherwise).
 */
function disagreeing(rng: Rng, scale: number, single: boolean, count: number, atLeast = count): number[] {
  const round = single ? Math.fround : (v: number) => v;
  const s = round(scale);
  const r = round(1 / s);
  const cell = single ? new Float32Array(1) : new Float64Array(1);
  const ks = Array.from({ length: 241 }, (_, i) => i - 120);
  for (let i = ks.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [ks[i], ks[j]] = [ks[j]!, ks[i]!];
  }
  const found: number[] = [];
  for (const k of ks) {
    cell[0] = (k + 0.5) * s;
    const x0 = cell[0]!;
    for (let d = -16; d <= 16 && found.length < count; d++) {
      const x = nextUlps(x0, d, single);
      if (roundHalfEven(round(x / s)) !== roundHalfEven(round(x * r)) && !found.includes(x)) found.push(x);
    }
  }
  if (found.length < atLeast) throw new Error(`found only ${found.length} of ${atLeast} disagreeing inputs for scale ${scale}`);
  return found;
}

/** x moved by `d` units in the last place of its precision. */
function nextUlps(x: number, d: number, single: boolean): number {
  if (single) {
    const f = Float32Array.of(x);
    const u = new Int32Array(f.buffer);
    u[0] = u[0]! + (x < 0 ? -d : d);
    return f[0]!;
  }
  const f = Float64Array.of(x);
  const u = new BigInt64Array(f.buffer);
  u[0] = u[0]! + BigInt(x < 0 ? -d : d);
  return f[0]!;
}

export function profiles(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0x9f11e);
  const cases: CorpusCase[] = [];
  for (const single of [true, false]) {
    const dtype = single ? 'float32' : 'float64';
    const make = (v: number[]) => (single ? Float32Array.from(v) : Float64Array.from(v));
    for (const scale of [0.1, 0.7, 3, 1 / 3, 0.0123, 0.9, 0.45]) {
      const x = make(disagreeing(rng, scale, single, 48, 16));
      for (const profile of ['onnx', 'pytorch'] as const) {
        cases.push(quantizeTensorCase(`${dtype} scale=${scale} int8 ${profile}`, x, scale, 0, specOf('symmetric', 8, profile)));
        cases.push(quantizeTensorCase(`${dtype} scale=${scale} uint8 zp=128 ${profile}`, x, scale, 128, specOf('affine', 8, profile)));
        cases.push(fakeQuantizeTensorCase(`${dtype} scale=${scale} fake-quantize int8 ${profile}`, x, scale, 0, specOf('symmetric', 8, profile)));
      }
    }
    // Per-axis and blocked: one scale per group, each group holding its own disagreeing inputs.
    const groupScales = [0.1, 0.7, 3, 1 / 3];
    const x = make(groupScales.flatMap((s) => disagreeing(rng, s, single, 8)));
    const scales = single ? Float32Array.from(groupScales) : Float64Array.from(groupScales);
    const layout = axisLayout([4, 8], 0);
    const zps = new Int32Array(4);
    const bl = blockLayout([32], 0, 8);
    if (blockGroups(bl) !== 4) throw new Error('unexpected block layout');
    for (const profile of ['onnx', 'pytorch'] as const) {
      cases.push(quantizeAxisCase(`${dtype} per-axis int8 ${profile}`, x, scales, zps, layout, specOf('symmetric', 8, profile)));
      cases.push(quantizeBlockedCase(`${dtype} blocked int8 ${profile}`, x, scales, zps, bl, specOf('symmetric', 8, profile)));
      cases.push(quantizeApiCase(`${dtype} API explicit scale 0.1 ${profile}`, x, { scheme: 'symmetric', scale: 0.1, profile }));
      cases.push(fakeQuantizeApiCase(`${dtype} API fake-quantize explicit scale 0.1 ${profile}`, x, { scheme: 'symmetric', scale: 0.1, profile }));
    }
  }
  return {
    description: "Inputs where x / scale and x * fl(1 / scale) round to different codes, run in the 'onnx' and the 'pytorch' profile (per tensor, per axis, blocked, fake-quantize, API), float32 and float64.",
    cases,
  };
}
