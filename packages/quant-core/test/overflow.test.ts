import { describe, expect, it } from 'vitest';
import { computeQParams, ErrorCodes, errorCodeOf, fakeQuantize, rangeOverflows, type Profile, type Scheme } from './helpers/api.js';
import { Rng } from './helpers/rng.js';

/*
 * Issue 19: finite inputs at ±3.4e38 came back as ±Infinity from fakeQuantize, because quantkit keeps onnxruntime's
 * parameter arithmetic (on purpose) and the outermost step of the grid can lie half a step beyond the range. SPEC §3
 * "Range bound" derives when dequantized values stay finite; rangeOverflows is the exact O(1) test.
 */

const F32_MAX = 3.4028234663852886e38;
const F16_MAX = 65504;
/** The margin of SPEC §3's sufficient bound. */
const MARGIN = 1 - 2 ** -22;

/** The largest float32 <= v (v > 0). */
function floorF32(v: number): number {
  const f = Float32Array.of(v);
  if (f[0]! > v) new Uint32Array(f.buffer)[0]! -= 1;
  return f[0]!;
}

interface Config {
  readonly scheme: Scheme;
  readonly bits: number;
  readonly narrowRange: boolean;
  readonly profile: Profile;
}

/** SPEC §3's sufficient bound: the largest |value| the grid of [min, max] can reach, before rounding. */
function reach(min: number, max: number, c: Config): number {
  const a = Math.max(-min, max);
  if (c.scheme === 'symmetric') return a;
  const levels = 2 ** c.bits - 1 - (c.narrowRange ? 1 : 0);
  return a + (Math.max(max, 0) - Math.min(min, 0)) / (2 * levels);
}

/** Whether fakeQuantize of the range's ends and of values between them gives a non-finite value. */
function fakeQuantizeOverflows(min: number, max: number, c: Config, output: 'float32' | 'float16' = 'float32'): boolean {
  const x = Float32Array.of(min, max, min / 2, max / 2, (min + max) / 2);
  const values = fakeQuantize(x, { ...c, range: { min, max } });
  const limit = output === 'float16' ? 65520 : Infinity; // float16 rounds 65520 and above to Infinity
  return values.some((v) => !(Math.abs(v) < limit));
}

const configs: Config[] = [];
for (const scheme of ['affine', 'symmetric'] as const) {
  for (const bits of [2, 4, 8, 16]) {
    for (const narrowRange of [false, true]) for (const profile of ['onnx', 'pytorch'] as const) configs.push({ scheme, bits, narrowRange, profile });
  }
}

describe('the range bound of SPEC §3', () => {
  it('the issue: the default affine uint8 of [-3.4e38, 3.4e38] overflows, as rangeOverflows says', () => {
    const x = Float32Array.of(-3.4e38, 0, 3.4e38);
    expect(fakeQuantize(x)[0]).toBe(-Infinity);
    expect(rangeOverflows(-3.4e38, 3.4e38)).toBe(true);
    // Symmetric parameters have no half step at the edge: the same range stays finite.
    expect(fakeQuantize(x, { scheme: 'symmetric' }).every(Number.isFinite)).toBe(true);
    expect(rangeOverflows(-3.4e38, 3.4e38, { scheme: 'symmetric' })).toBe(false);
  });

  it('just inside the bound stays finite, for every scheme, width, narrow range and profile', () => {
    for (const c of configs) {
      // [-A, A] with A + S/2 at the bound (S = 2A / levels for affine).
      const levels = 2 ** c.bits - 1 - (c.narrowRange ? 1 : 0);
      const a = floorF32(F32_MAX * MARGIN * (c.scheme === 'symmetric' ? 1 : levels / (levels + 1)));
      expect(reach(-a, a, c)).toBeLessThanOrEqual(F32_MAX * MARGIN);
      expect(fakeQuantizeOverflows(-a, a, c), JSON.stringify(c)).toBe(false);
      expect(rangeOverflows(-a, a, c), JSON.stringify(c)).toBe(false);
    }
  });

  it('holds for random ranges inside it, and rangeOverflows agrees with fakeQuantize outside it', () => {
    const rng = new Rng(19);
    let overflowed = 0;
    for (let i = 0; i < 4000; i++) {
      const c = rng.pick(configs);
      // Magnitudes from 0.5 * MAX to MAX, signs mixed: most land near the bound, on both sides.
      const a = Math.fround(F32_MAX * (0.5 + rng.next() / 2));
      const b = Math.fround(F32_MAX * (0.5 + rng.next() / 2) * (rng.next() < 0.8 ? 1 : 0));
      const [min, max] = rng.next() < 0.5 ? [-a, b] : [-b, a];
      const actual = fakeQuantizeOverflows(min, max, c);
      if (reach(min, max, c) <= F32_MAX * MARGIN) expect(actual, `[${min}, ${max}] ${JSON.stringify(c)}`).toBe(false);
      expect(rangeOverflows(min, max, c), `[${min}, ${max}] ${JSON.stringify(c)}`).toBe(actual);
      if (actual) overflowed++;
    }
    expect(overflowed, 'the sample must reach past the bound').toBeGreaterThan(100);
  });

  it('float16 outputs: the bound with 65504, and ±65504 itself overflows an affine grid', () => {
    const c: Config = { scheme: 'affine', bits: 8, narrowRange: false, profile: 'onnx' };
    expect(rangeOverflows(-F16_MAX, F16_MAX, { output: 'float16' })).toBe(true);
    expect(fakeQuantizeOverflows(-F16_MAX, F16_MAX, c, 'float16')).toBe(true);
    const inside = floorF32((F16_MAX * 255) / 256);
    expect(reach(-inside, inside, c)).toBeLessThanOrEqual(F16_MAX);
    expect(rangeOverflows(-inside, inside, { output: 'float16' })).toBe(false);
    expect(fakeQuantizeOverflows(-inside, inside, c, 'float16')).toBe(false);
    expect(rangeOverflows(-F16_MAX, F16_MAX, { output: 'float16', scheme: 'symmetric' })).toBe(false);
  });

  it('a float64 range too wide for any scale is ERR_QUANT_RANGE in quantize, and overflows for rangeOverflows', () => {
    expect(errorCodeOf(() => computeQParams(Float64Array.of(-1e308, 1e308)))).toBe(ErrorCodes.RANGE);
    expect(rangeOverflows(-1e308, 1e308, { dtype: 'float64' })).toBe(true);
    expect(rangeOverflows(-1e307, 1e307, { dtype: 'float64' })).toBe(false);
  });

  it('rangeOverflows validates its arguments', () => {
    expect(errorCodeOf(() => rangeOverflows(1, 0))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => rangeOverflows(0, Infinity))).toBe(ErrorCodes.RANGE);
    expect(errorCodeOf(() => rangeOverflows(0, 1, { bits: 1 }))).toBe(ErrorCodes.BITS);
    expect(errorCodeOf(() => rangeOverflows(0, 1, { output: 'float8' as 'float16' }))).toBe(ErrorCodes.OPTION);
    expect(errorCodeOf(() => rangeOverflows(0, 1, { bitz: 4 } as object))).toBe(ErrorCodes.UNKNOWN_OPTION);
  });
});
