import { describe, expect, it } from 'vitest';
import { packBinaryRows, quantizeEmbeddings, type ScalarQuantizedEmbeddings } from '../../src/embeddings/index.js';
import { decode, readVectors, type StCase, type StVectors, type UpstreamResult } from './vectors.js';

/*
 * sentence-transformers' own quantize_embeddings (scripts/embeddings-oracle/generate.py) at two commits:
 * `current` (6.1.0.dev0: floor, clip to 0..255, steps 0 -> 1, packbits per row) is what the default options reproduce;
 * `legacy` (5.2.0.dev0: int8 truncated toward zero after subtracting 128, wrapping modulo 256, packbits over the whole
 * batch) is what int8Rounding: 'toward-zero' reproduces on values inside the ranges.
 */

const st = readVectors<StVectors>('sentence-transformers.json');
const scalarCases = st.cases.filter((c) => c.kind === 'scalar');
const binaryCases = st.cases.filter((c) => c.kind === 'binary');

function inputs(c: StCase) {
  const x = decode(c.embeddings, c.dtype);
  const ranges = c.ranges === undefined ? undefined : decode(c.ranges, c.dtype);
  const calibration = c.calibration === undefined ? undefined : decode(c.calibration, c.dtype);
  return { x, ranges, calibration };
}

function codesOf(r: UpstreamResult): Int8Array | Uint8Array {
  expect(r.error).toBeUndefined();
  return decode(r.codes!, r.codesDType as 'int8' | 'uint8');
}

function quantizeLike(c: StCase, precision: 'int8' | 'uint8', int8Rounding?: 'floor' | 'toward-zero'): ScalarQuantizedEmbeddings {
  const { x, ranges, calibration } = inputs(c);
  return quantizeEmbeddings(x, { dim: c.dim, precision, ranges, calibration, int8Rounding }) as ScalarQuantizedEmbeddings;
}

describe('sentence-transformers vectors: provenance', () => {
  it('names the two upstream commits', () => {
    expect(st.provenance.upstream.current.commit).toBe('cad211983f36ce458e9b3360f3e11b29fc54cbd8');
    expect(st.provenance.upstream.legacy.commit).toBe('85ec64559f4414aa536eca4bf53538291e0a333f');
  });
});

describe('int8 / uint8 against current sentence-transformers', () => {
  for (const c of scalarCases) {
    for (const precision of ['uint8', 'int8'] as const) {
      it(`${c.name} ${precision}: every code, NaN aside`, () => {
        const expected = codesOf(c.results[precision]!.current);
        const q = quantizeLike(c, precision);
        const x = decode(c.embeddings, c.dtype);
        expect(q.data.length).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) {
          // NaN: upstream casts NaN to an integer (numpy warns, x86-64 gives 0); quantkit gives the lowest code.
          const want = Number.isNaN(x[i]) ? (precision === 'int8' ? -128 : 0) : expected[i];
          if (q.data[i] !== want) expect({ i, x: x[i], got: q.data[i] }).toEqual({ i, x: x[i], got: want });
        }
      });
    }
  }

  it('the float32 arithmetic matters: float64 would change codes in the in-range float32 cases', () => {
    const differs = scalarCases.filter((c) => c.dtype === 'float32' && c.inRange).map((c) => (c.results.uint8 as unknown as { float64Differs: number }).float64Differs);
    expect(differs.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
  });

  it('NaN: upstream int8 gives 0 (the cast of NaN), quantkit -128', () => {
    const c = scalarCases.find((k) => k.name === 'nan_dim9')!;
    const upstream = codesOf(c.results.int8!.current);
    const x = decode(c.embeddings, 'float32');
    const nan = [...x.keys()].filter((i) => Number.isNaN(x[i]));
    expect(nan.length).toBe(3);
    expect(nan.map((i) => upstream[i])).toEqual([0, 0, 0]);
    expect(nan.map((i) => quantizeLike(c, 'int8').data[i])).toEqual([-128, -128, -128]);
  });
});

describe('int8 / uint8 against legacy sentence-transformers (before PR #3847)', () => {
  for (const c of scalarCases.filter((k) => k.inRange && k.name !== 'single_row_self_calibration')) {
    it(`${c.name}: int8 'toward-zero' and uint8 equal the legacy codes`, () => {
      expect(quantizeLike(c, 'int8', 'toward-zero').data).toEqual(codesOf(c.results.int8!.legacy));
      expect(quantizeLike(c, 'uint8').data).toEqual(codesOf(c.results.uint8!.legacy));
    });
    it(`${c.name}: legacy int8 is not uint8 - 128 (truncation toward zero below 128)`, () => {
      const legacy = codesOf(c.results.int8!.legacy);
      const uint8 = codesOf(c.results.uint8!.legacy);
      expect(legacy.some((v, i) => v !== uint8[i]! - 128)).toBe(true);
    });
  }

  it('out of range: legacy wraps modulo 256, quantkit saturates (PR #3847 example)', () => {
    const c = scalarCases.find((k) => k.name === 'pr3847_example')!;
    expect(Array.from(codesOf(c.results.int8!.legacy))).toEqual([-42, 42, -112]);
    expect(Array.from(codesOf(c.results.int8!.current))).toEqual([-128, 42, 127]);
    expect(Array.from(quantizeLike(c, 'int8', 'toward-zero').data)).toEqual([-128, 42, 127]);
    expect(Array.from(quantizeLike(c, 'int8').data)).toEqual([-128, 42, 127]);
  });

  it('out of range: each legacy uint8 code is the wrapped truncation, ours the saturated one', () => {
    const c = scalarCases.find((k) => k.name === 'out_of_range_dim12')!;
    const legacy = codesOf(c.results.uint8!.legacy);
    const ours = quantizeLike(c, 'uint8');
    const x = decode(c.embeddings, 'float32');
    let wrapped = 0;
    for (let i = 0; i < x.length; i++) {
      const d = i % c.dim;
      const t = Math.fround(Math.fround(x[i]! - ours.min[d]!) / ours.steps[d]!);
      expect(ours.data[i]).toBe(t < 0 ? 0 : 255);
      if (Math.abs(t) < 2 ** 31) {
        expect(legacy[i]).toBe(((Math.trunc(t) % 256) + 256) % 256);
        wrapped++;
      }
    }
    expect(wrapped).toBe(4 * c.dim);
  });
});

describe('binary / ubinary against sentence-transformers', () => {
  for (const c of binaryCases) {
    for (const precision of ['ubinary', 'binary'] as const) {
      it(`${c.name} ${precision}: current (packbits per row) exactly`, () => {
        const x = decode(c.embeddings, 'float32');
        const q = quantizeEmbeddings(x, { dim: c.dim, precision });
        expect(q.data).toEqual(codesOf(c.results[precision]!.current));
        expect(c.results[precision]!.current.shape).toEqual([c.rows, Math.ceil(c.dim / 8)]);
      });
      it(`${c.name} ${precision}: legacy packs the whole batch as one bit string`, () => {
        const legacy = c.results[precision]!.legacy;
        const x = decode(c.embeddings, 'float32');
        const whole = precision === 'binary' ? new Int8Array(Math.ceil((c.rows * c.dim) / 8)) : new Uint8Array(Math.ceil((c.rows * c.dim) / 8));
        packBinaryRows(x, c.rows * c.dim, precision, 'msb', 'positive', whole);
        if ((c.rows * c.dim) % (8 * c.rows) === 0 || whole.length % c.rows === 0) {
          expect(legacy.error).toBeUndefined();
          expect(decode(legacy.codes!, precision === 'binary' ? 'int8' : 'uint8')).toEqual(whole);
        } else {
          expect(legacy.error).toMatch(/^ValueError: cannot reshape/);
        }
        if (c.dim % 8 === 0) expect(legacy.codes).toBe(c.results[precision]!.current.codes);
      });
    }
  }

  it('legacy 3 x 15: rows bleed into each other (6 bytes reshaped to 3 x 2)', () => {
    const c = binaryCases.find((k) => k.name === 'binary_rows3_dim15')!;
    expect(c.results.ubinary!.legacy.shape).toEqual([3, 2]);
    expect(c.results.ubinary!.legacy.codes).not.toBe(c.results.ubinary!.current.codes);
  });
});
