import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16, widenHalf } from '../src/half.js';

// Oracle vectors made by scripts/generate-half-vectors.py (numpy for float16, exact rationals for bfloat16).
function vectors(name: string): [number, number][] {
  const file = new URL(`./vectors/${name}`, import.meta.url);
  const data = JSON.parse(readFileSync(file, 'utf8')) as { cases: [string, number][] };
  return data.cases.map(([v, bits]) => [Number(v), bits]);
}

describe('half precision conversions', () => {
  for (const [dtype, round, widen] of [
    ['float16', numberToFloat16, float16ToNumber],
    ['bfloat16', numberToBfloat16, bfloat16ToNumber],
  ] as const) {
    it(`float64 -> ${dtype} rounds once to nearest even (oracle vectors)`, () => {
      const cases = vectors(`half-${dtype}.json`);
      expect(cases.length).toBeGreaterThan(7000);
      const wrong = cases.filter(([v, bits]) => round(v) !== bits).slice(0, 5);
      expect(wrong).toStrictEqual([]);
    });

    it(`${dtype} -> number -> ${dtype} is the identity on every non-NaN pattern`, () => {
      for (let b = 0; b < 65536; b++) {
        const v = widen(b);
        if (v !== v) continue;
        if (round(v) !== b) throw new Error(`${dtype} 0x${b.toString(16)}: ${v} rounds back to 0x${round(v).toString(16)}`);
      }
    });
  }

  it('widens arrays exactly, NaN payloads included', () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x8000, 0x7c00, 0x7e01, 0xfc00, 0x7bff]);
    const out = new Float32Array(8);
    widenHalf(bits, 'float16', 0, 8, out);
    expect(Array.from(out.subarray(0, 5))).toStrictEqual([1, -2, 2 ** -24, -0, Infinity]);
    expect(Number.isNaN(out[5])).toBe(true);
    expect(new Uint32Array(out.buffer)[5]).toBe(0x7fc02000); // payload 1 -> bit 13, quiet bit set (vcvtph2ps)
    expect(out[7]).toBe(65504);
    widenHalf(new Uint16Array([0x3f80, 0xff81, 0x0001]), 'bfloat16', 0, 3, out);
    expect(out[0]).toBe(1);
    expect(new Uint32Array(out.buffer)[1]).toBe(0xff810000);
    expect(out[2]).toBe(2 ** -133);
  });
});

describe('narrowToHalf', () => {
  it('agrees with the one-rounding conversion on float32 and general float64 values', async () => {
    const { narrowToHalf } = await import('../src/half.js');
    const src = new Float64Array(200000);
    let s = 12345;
    for (let i = 0; i < src.length; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      const e = (s % 80) - 40;
      const v = (s / 2147483648 - 0.5) * 2 ** e;
      src[i] = i % 2 === 0 ? Math.fround(v) : v;
    }
    src.set([65504, 65519.99, 65520, -65520, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 1e-30, -0, Infinity, -Infinity, 3.4e38, 1e39], 0);
    for (const [dtype, round] of [['float16', numberToFloat16], ['bfloat16', numberToBfloat16]] as const) {
      const out = new Uint16Array(src.length);
      narrowToHalf(src, dtype, out);
      for (let i = 0; i < src.length; i++) {
        if (out[i] !== round(src[i]!)) throw new Error(`${dtype} ${src[i]}: 0x${out[i]!.toString(16)} vs 0x${round(src[i]!).toString(16)}`);
      }
    }
  });
});
