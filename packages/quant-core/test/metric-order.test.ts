import { describe, expect, it } from 'vitest';
import {
  ERROR_BLOCK,
  ErrorAccumulator,
  errorReportOf,
  fakeQuantizeWithError,
  kernelErrorReport,
  quantizationError,
  referenceBackend,
  type ErrorSums,
} from './helpers/api.js';
import { Rng } from './helpers/rng.js';

/*
 * The summation order of the error metrics (SPEC §6): blocks of 65536 pairs from the first; pair i of a block in lane
 * i mod 8, each lane adding its terms in element order from +0; a block's sum S = ((L0 + L4) + (L1 + L5)) +
 * ((L2 + L6) + (L3 + L7)); the total +0 + S_0 + S_1 + ... in block order. The native kernels and binding compute the
 * same (native/test checks them against the same rule), so reference and native sums agree bit for bit.
 */

type Sums = Required<ErrorSums>;
const KEYS = ['sumSq', 'sumAbs', 'sumRef2', 'sumApprox2', 'dot'] as const;
const zeroSums = (): Sums => ({ sumSq: 0, sumAbs: 0, maxAbs: 0, sumRef2: 0, sumApprox2: 0, dot: 0, nanCount: 0 });

function addPair(s: Sums, r: number, a: number): void {
  const d = r - a;
  s.sumSq += d * d;
  s.sumAbs += Math.abs(d);
  s.sumRef2 += r * r;
  s.sumApprox2 += a * a;
  s.dot += r * a;
}

/** The contract written out plainly, independently of metrics.ts (lanes as objects, one pass per block). */
function specSums(r: ArrayLike<number>, a: ArrayLike<number>, o: { skipNaN?: boolean; block?: number } = {}): Sums {
  const block = o.block ?? 65536;
  const total = zeroSums();
  for (let b = 0; b < r.length; b += block) {
    const lanes = Array.from({ length: 8 }, zeroSums);
    for (let i = b; i < Math.min(b + block, r.length); i++) {
      const x = r[i]!;
      const y = a[i]!;
      if (o.skipNaN && (Number.isNaN(x) || Number.isNaN(y))) {
        total.nanCount++;
        continue;
      }
      addPair(lanes[(i - b) % 8]!, x, y);
      const m = Math.abs(x - y);
      if (m > total.maxAbs || Number.isNaN(m)) total.maxAbs = m;
    }
    for (const k of KEYS) {
      const l = lanes.map((s) => s[k]);
      total[k] += l[0]! + l[4]! + (l[1]! + l[5]!) + (l[2]! + l[6]! + (l[3]! + l[7]!));
    }
  }
  return total;
}

/** The element-order sums of old (one running sum each), to show that the cases below tell the orders apart. */
function sequentialSums(r: ArrayLike<number>, a: ArrayLike<number>): Sums {
  const s = zeroSums();
  for (let i = 0; i < r.length; i++) addPair(s, r[i]!, a[i]!);
  return s;
}

function accumulate(r: ArrayLike<number>, a: ArrayLike<number>, cuts: readonly number[] = []): ErrorSums {
  const acc = new ErrorAccumulator();
  let start = 0;
  for (const end of [...cuts, r.length]) {
    acc.addRange(r, a, start, end);
    start = end;
  }
  return acc.finish();
}

const INT16 = { qmin: -32768, qmax: 32767, profile: 'onnx' } as const;
const TWO_54 = 2 ** 54; // ulp(2^54) = 4: 2^54 + 1 rounds back to 2^54, 2^54 + 2 is a tie (to even: 2^54)

/**
 * x = [2^27, 1 x (n - 1)] fake-quantized with int16, scale 2^20, zero point 0 gives [2^27, 0 x (n - 1)] exactly:
 * r^2 = [2^54, 1, 1, ...], a^2 and r a = [2^54, 0, ...], d = [0, 1, 1, ...].
 */
function spike(n: number, Ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array): { x: Float32Array | Float64Array; approx: Float64Array } {
  const x = new Ctor(n).fill(1);
  x[0] = 2 ** 27;
  const approx = new Float64Array(n);
  approx[0] = 2 ** 27;
  return { x, approx };
}

describe('error metrics: lane and block order (SPEC §6)', () => {
  it('9 pairs: the lanes keep ones that element order rounds away', () => {
    // Element order: 2^54 + 1 -> 2^54, eight times. Lanes: L0 = 2^54 + 1 -> 2^54 (pairs 0 and 8), L1..L7 = 1:
    // ((L0 + L4) + (L1 + L5)) + ((L2 + L6) + (L3 + L7)) = ((2^54 + 1 -> 2^54) + 2 -> 2^54, tie to even) + 4 = 2^54 + 4.
    const { x, approx } = spike(9);
    expect(sequentialSums(x, approx).sumRef2).toBe(TWO_54);
    const expected = { sumSq: 8, sumAbs: 8, maxAbs: 1, sumRef2: TWO_54 + 4, sumApprox2: TWO_54, dot: TWO_54, nanCount: 0 };
    expect(specSums(x, approx)).toEqual(expected);
    expect(accumulate(x, approx)).toEqual(expected);
    // Fed in pieces, the lanes still count from the first pair.
    expect(accumulate(x, approx, [1, 3, 8])).toEqual(expected);
    const report = errorReportOf(expected, 9);
    expect(kernelErrorReport(x, approx)).toEqual(report);
    expect(quantizationError(x, approx)).toEqual(report);
    for (const Ctor of [Float32Array, Float64Array]) {
      const xs = spike(9, Ctor).x;
      const out = new Ctor(9);
      expect(referenceBackend.fakeQuantizeTensor(xs, 2 ** 20, 0, INT16, out)).toEqual(report);
      expect(Array.from(out)).toEqual(Array.from(approx));
    }
  });

  it('the lanes combine as ((L0 + L4) + (L1 + L5)) + ((L2 + L6) + (L3 + L7))', () => {
    // r^2 lanes [2^54, 0, 1, 1, 0, 0, 1, 0]: (2^54 + 0) + (0 + 0) = 2^54, (1 + 1) + (1 + 0) = 3, 2^54 + 3 -> 2^54 + 4.
    // A left fold, adjacent pairs ((L0 + L1) + (L2 + L3)) + ..., or ((L0 + L4) + (L2 + L6)) + ... all give 2^54.
    const x = Float64Array.of(2 ** 27, 0, 1, 1, 0, 0, 1, 0);
    const approx = Float64Array.of(2 ** 27, 0, 0, 0, 0, 0, 0, 0);
    const expected = { sumSq: 3, sumAbs: 3, maxAbs: 1, sumRef2: TWO_54 + 4, sumApprox2: TWO_54, dot: TWO_54, nanCount: 0 };
    expect(sequentialSums(x, approx).sumRef2).toBe(TWO_54);
    expect(accumulate(x, approx)).toEqual(expected);
    expect(referenceBackend.fakeQuantizeTensor(x, 2 ** 20, 0, INT16, new Float64Array(8))).toEqual(errorReportOf(expected, 8));
  });

  it('across a block boundary: blocks of 65536 pairs, each with lanes from +0, added in order', () => {
    // n = 65544. Block 0: L0 = 2^54 (8191 ones rounded away), L1..L7 = 8192, so
    // S0 = ((2^54 + 8192) + 16384) + 32768 = 2^54 + 57344; block 1 holds 8 ones: S1 = 8; total 2^54 + 57352.
    // Lanes running on over the boundary would give 2^54 + 57348 (L1..L7 = 8193: 2^54 + 8193 -> 2^54 + 8192,
    // + 16386 -> 2^54 + 24576 (tie), + 32772); element order gives 2^54.
    const n = ERROR_BLOCK + 8;
    const { x, approx } = spike(n);
    expect(sequentialSums(x, approx).sumRef2).toBe(TWO_54);
    expect(specSums(x, approx, { block: Infinity }).sumRef2).toBe(TWO_54 + 57348);
    const expected = { sumSq: n - 1, sumAbs: n - 1, maxAbs: 1, sumRef2: TWO_54 + 57352, sumApprox2: TWO_54, dot: TWO_54, nanCount: 0 };
    expect(specSums(x, approx)).toEqual(expected);
    expect(accumulate(x, approx)).toEqual(expected);
    expect(accumulate(x, approx, [4096, ERROR_BLOCK - 3, ERROR_BLOCK + 1])).toEqual(expected);
    const report = errorReportOf(expected, n);
    expect(kernelErrorReport(x, approx)).toEqual(report);
    expect(quantizationError(x, approx)).toEqual(report);
    for (const Ctor of [Float32Array, Float64Array]) {
      const out = new Ctor(n);
      expect(referenceBackend.fakeQuantizeTensor(spike(n, Ctor).x, 2 ** 20, 0, INT16, out)).toEqual(report);
    }
    // The report tells the orders apart too: SQNR from 2^54 + 57352 against 2^54 differs by ~1e-11 dB.
    expect(report.sqnrDb).not.toBe(errorReportOf({ ...expected, sumRef2: TWO_54 }, n).sqnrDb);
  });

  it('every implementation agrees with the contract on random data, over several blocks', () => {
    const rng = new Rng(0x1a2e5);
    for (const n of [0, 1, 7, 8, 9, 4095, 4097, 65535, 65536, 65537, 2 * 65536 + 13]) {
      const x = Float32Array.from({ length: n }, () => (rng.next() - 0.5) * 7);
      const range = { range: { min: -3, max: 3 } };
      const { values, error } = fakeQuantizeWithError(x, range);
      const expected = specSums(x, values);
      expect(error, `n ${n}`).toEqual(errorReportOf(expected, n));
      // quantizationError (NaN-aware pass) and the kernel report agree with fakeQuantizeWithError bit for bit.
      expect(quantizationError(x, values), `n ${n}`).toEqual(error);
      expect(kernelErrorReport(x, values), `n ${n}`).toEqual(error);
      const cuts = [Math.floor(n / 3), Math.floor(n / 2) + 1].filter((c) => c <= n).sort((a, b) => a - b);
      expect(accumulate(x, values, cuts), `n ${n}`).toEqual(expected);
      const x64 = Float64Array.from(x, (v) => v * 1.0000001);
      const out = new Float64Array(n);
      const r = referenceBackend.fakeQuantizeTensor(x64, 0.0234375, 3, { qmin: -128, qmax: 127, profile: 'pytorch' }, out);
      expect(r, `n ${n} float64`).toEqual(errorReportOf(specSums(x64, out), n));
    }
  });

  it('a NaN pair left out keeps its index (the pairs after it stay in their lanes)', () => {
    const rng = new Rng(77);
    const n = ERROR_BLOCK + 1000;
    const x = Float64Array.from({ length: n }, () => (rng.next() - 0.5) * 5);
    const approx = x.map((v) => Math.round(v * 8) / 8);
    for (const i of [3, 4100, ERROR_BLOCK - 1, ERROR_BLOCK + 5]) x[i] = NaN;
    approx[10] = NaN;
    const expected = specSums(x, approx, { skipNaN: true });
    expect(expected.nanCount).toBe(5);
    expect(quantizationError(x, approx)).toEqual(errorReportOf(expected, n));
    // The kernel contract sums every pair: NaN in, NaN out.
    expect(kernelErrorReport(x, approx).mse).toBeNaN();
  });
});
