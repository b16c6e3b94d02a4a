import { describe, expect, it } from 'vitest';
import {
  dequantizeEmbeddings,
  dotScanAsymmetric,
  dotScanFloat,
  dotScanInt8,
  dotScanUint8,
  hammingScan,
  l2ScanAsymmetric,
  l2ScanFloat,
  l2ScanInt8,
  l2ScanUint8,
  quantizeEmbeddings,
  type ScalarQuantizedEmbeddings,
} from '../../src/embeddings/index.js';
import { Rng } from '../helpers/rng.js';

/* The scoring kernels against naive BigInt (integers, exact sums of doubles) and float64 computations. */

const rng = new Rng(20260817);
const LENGTHS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 130, 384, 1000, 1031];

function randomCodes<T extends Int8Array | Uint8Array>(make: (n: number) => T, n: number): T {
  const out = make(n);
  const signed = out instanceof Int8Array;
  for (let i = 0; i < n; i++) {
    const extreme = rng.next() < 0.2;
    out[i] = extreme ? (rng.next() < 0.5 ? (signed ? -128 : 0) : signed ? 127 : 255) : signed ? rng.int(-128, 127) : rng.int(0, 255);
  }
  return out;
}

function popcountBig(v: number): bigint {
  let c = 0n;
  for (let b = 0; b < 8; b++) c += BigInt((v >> b) & 1);
  return c;
}

describe('hammingScan', () => {
  for (const n of LENGTHS) {
    it(`${n} bytes a row, signed and unsigned bytes alike`, () => {
      const rows = 4;
      const query = randomCodes((k) => new Uint8Array(k), n);
      const data = randomCodes((k) => new Uint8Array(k), rows * n);
      const out = new Uint32Array(rows);
      hammingScan(query, data, n, out);
      for (let r = 0; r < rows; r++) {
        let expected = 0n;
        for (let j = 0; j < n; j++) expected += popcountBig(query[j]! ^ data[r * n + j]!);
        expect(BigInt(out[r]!)).toBe(expected);
      }
      const signedOut = new Uint32Array(rows);
      hammingScan(new Int8Array(query.map((b) => b ^ 0x80).buffer), new Int8Array(data.map((b) => b ^ 0x80).buffer), n, signedOut);
      expect(signedOut).toEqual(out);
    });
  }
});

function integerReference(query: ArrayLike<number>, data: ArrayLike<number>, r: number, dim: number, l2: boolean): bigint {
  let sum = 0n;
  for (let i = 0; i < dim; i++) {
    const q = BigInt(query[i]!);
    const x = BigInt(data[r * dim + i]!);
    sum += l2 ? (q - x) * (q - x) : q * x;
  }
  return sum;
}

describe('exact integer scans', () => {
  for (const dim of LENGTHS) {
    it(`dim ${dim}`, () => {
      const rows = 3;
      const qi = randomCodes((k) => new Int8Array(k), dim);
      const ri = randomCodes((k) => new Int8Array(k), rows * dim);
      const qu = randomCodes((k) => new Uint8Array(k), dim);
      const ru = randomCodes((k) => new Uint8Array(k), rows * dim);
      const i32 = new Int32Array(rows);
      const u32 = new Uint32Array(rows);
      dotScanInt8(qi, ri, dim, i32);
      for (let r = 0; r < rows; r++) expect(BigInt(i32[r]!)).toBe(integerReference(qi, ri, r, dim, false));
      l2ScanInt8(qi, ri, dim, u32);
      for (let r = 0; r < rows; r++) expect(BigInt(u32[r]!)).toBe(integerReference(qi, ri, r, dim, true));
      dotScanUint8(qu, ru, dim, u32);
      for (let r = 0; r < rows; r++) expect(BigInt(u32[r]!)).toBe(integerReference(qu, ru, r, dim, false));
      l2ScanUint8(qu, ru, dim, u32);
      for (let r = 0; r < rows; r++) expect(BigInt(u32[r]!)).toBe(integerReference(qu, ru, r, dim, true));
    });
  }

  it('worst cases at dim 65536 are exact (no int16 saturation, no int32 wrap)', () => {
    const dim = 65536;
    const i32 = new Int32Array(1);
    const u32 = new Uint32Array(1);
    dotScanInt8(new Int8Array(dim).fill(-128), new Int8Array(dim).fill(-128), dim, i32);
    expect(i32[0]).toBe(2 ** 30);
    dotScanInt8(new Int8Array(dim).fill(-128), new Int8Array(dim).fill(127), dim, i32);
    expect(i32[0]).toBe(-128 * 127 * dim);
    l2ScanInt8(new Int8Array(dim).fill(-128), new Int8Array(dim).fill(127), dim, u32);
    expect(u32[0]).toBe(255 * 255 * dim);
    dotScanUint8(new Uint8Array(dim).fill(255), new Uint8Array(dim).fill(255), dim, u32);
    expect(u32[0]).toBe(255 * 255 * dim);
    l2ScanUint8(new Uint8Array(dim).fill(255), new Uint8Array(dim), dim, u32);
    expect(u32[0]).toBe(255 * 255 * dim);
  });
});

/** The exact sum of doubles (BigInt fixed point at 2^-1200), rounded once to a double. */
function exactSum(terms: number[]): { exact: number; absSum: number } {
  const SHIFT = 1200n;
  let sum = 0n;
  let absSum = 0;
  const view = new DataView(new ArrayBuffer(8));
  for (const t of terms) {
    absSum += Math.abs(t);
    if (t === 0) continue;
    view.setFloat64(0, t);
    const bits = view.getBigUint64(0);
    const exponent = Number((bits >> 52n) & 0x7ffn);
    const mantissa = (bits & ((1n << 52n) - 1n)) | (exponent === 0 ? 0n : 1n << 52n);
    const scaled = mantissa << (BigInt(Math.max(exponent, 1) - 1075) + SHIFT);
    sum += t < 0 ? -scaled : scaled;
  }
  const negative = sum < 0n;
  const magnitude = negative ? -sum : sum;
  // Good enough for a bound: Number() of the top bits, scaled back.
  const bitsLength = magnitude.toString(2).length;
  const keep = BigInt(Math.max(0, bitsLength - 60));
  const exact = Number(magnitude >> keep) * 2 ** (Number(keep) - 1200);
  return { exact: negative ? -exact : exact, absSum };
}

function scalarBatch(rows: number, dim: number, precision: 'int8' | 'uint8', int8Rounding?: 'floor' | 'toward-zero'): ScalarQuantizedEmbeddings {
  const x = new Float32Array(rows * dim).map(() => rng.normal() * 0.1);
  const calibration = new Float32Array(20 * dim).map(() => rng.normal() * 0.1);
  return quantizeEmbeddings(x, { dim, precision, calibration, int8Rounding }) as ScalarQuantizedEmbeddings;
}

describe('asymmetric scans (float32 query against int8/uint8 rows)', () => {
  for (const dim of LENGTHS.filter((n) => n > 0)) {
    for (const [precision, rounding] of [['uint8', undefined], ['int8', 'floor'], ['int8', 'toward-zero']] as const) {
      it(`dim ${dim} ${precision} ${rounding ?? ''}: the float scan of the dequantized rows, and within the sum's rounding bound`, () => {
        const rows = 3;
        const q = scalarBatch(rows, dim, precision, rounding);
        const query = new Float32Array(dim).map(() => rng.normal() * 0.2);
        const dot = new Float64Array(rows);
        const l2 = new Float64Array(rows);
        dotScanAsymmetric(query, q.data, q.min, q.steps, dim, dot, rounding);
        l2ScanAsymmetric(query, q.data, q.min, q.steps, dim, l2, rounding);
        const values = dequantizeEmbeddings(q) as Float32Array;
        const dotF = new Float64Array(rows);
        const l2F = new Float64Array(rows);
        dotScanFloat(query, values, dim, dotF);
        l2ScanFloat(query, values, dim, l2F);
        expect(dot).toEqual(dotF);
        expect(l2).toEqual(l2F);
        for (let r = 0; r < rows; r++) {
          const terms = Array.from(query, (v, i) => v * values[r * dim + i]!); // exact products
          const { exact, absSum } = exactSum(terms);
          expect(Math.abs(dot[r]! - exact)).toBeLessThanOrEqual(dim * 2 ** -52 * absSum + 1e-300);
          const naiveL2 = Array.from(query, (v, i) => (v - values[r * dim + i]!) ** 2).reduce((a, b) => a + b, 0);
          expect(Math.abs(l2[r]! - naiveL2)).toBeLessThanOrEqual(2 * dim * 2 ** -52 * naiveL2 + 1e-300);
        }
      });
    }
  }

  it('sums in the fixed 8-lane order ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7))', () => {
    // Terms 1, 2^53 and -2^53 in lanes 0, 4 and 1: sequential summation would give 0 (1 + 2^53 rounds to 2^53).
    const query = new Float32Array([1, 2 ** 26, 0, 0, 2 ** 26, 0, 0, 0]);
    const rows = new Float32Array([1, -(2 ** 27), 0, 0, 2 ** 27, 0, 0, 0]);
    const out = new Float64Array(1);
    dotScanFloat(query, rows, 8, out);
    expect(out[0]).toBe((1 + 2 ** 53) + -(2 ** 53)); // lane 0 + lane 4 first, then lane 1
    expect(out[0]).toBe(0);
    const swapped = new Float32Array([2 ** 26, 1, 0, 0, 2 ** 26, 0, 0, 0]);
    dotScanFloat(swapped, new Float32Array([-(2 ** 27), 1, 0, 0, 2 ** 27, 0, 0, 0]), 8, out);
    expect(out[0]).toBe(1); // (-2^53 + 2^53) + 1
  });
});
