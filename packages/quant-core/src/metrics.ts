import type { QuantizationErrorReport } from './types.js';

/**
 * Running sums behind a QuantizationErrorReport, all in float64, accumulated in the lane and block order of SPEC §6
 * (ErrorAccumulator). `nanCount` counts the pairs left out because one of the two values is NaN (errorReportSkippingNaN);
 * sums made without it (a backend's fakeQuantizeTensor kernel) leave it 0 or undefined and include every pair.
 */
export interface ErrorSums {
  sumSq: number;
  sumAbs: number;
  maxAbs: number;
  sumRef2: number;
  sumApprox2: number;
  dot: number;
  nanCount?: number;
}

export function newErrorSums(): ErrorSums {
  return { sumSq: 0, sumAbs: 0, maxAbs: 0, sumRef2: 0, sumApprox2: 0, dot: 0, nanCount: 0 };
}

/** Pairs per block of the error sums (SPEC §6): the native binding's chunk, kChunkElements in native/src/binding/jobs.h. */
export const ERROR_BLOCK = 65536;
/** Lanes per block of the error sums (SPEC §6). */
export const ERROR_LANES = 8;

// Offsets of each quantity's 8 lanes in ErrorAccumulator's buffer.
const SQ = 0;
const ABS = 8;
const REF2 = 16;
const APPROX2 = 24;
const DOT = 32;

/** A block's sum of one quantity: its 8 lanes at l[o .. o + 8) in the fixed order of SPEC §6. */
function combineLanes(l: Float64Array, o: number): number {
  return ((l[o]! + l[o + 4]!) + (l[o + 1]! + l[o + 5]!)) + ((l[o + 2]! + l[o + 6]!) + (l[o + 3]! + l[o + 7]!));
}

/*
 * The lane loops. Pair `start` of a range is in lane `lane0`, pair i in lane (lane0 + i - start) mod 8; the range lies
 * in one block. Each lane is one pass with its five running sums in locals (lane j takes every 8th pair, in element
 * order), which V8 keeps in registers: about twice the speed of one pass over the pairs updating 40 lane slots. The
 * maximum of |d| is order independent. Two functions, not one with a flag: the NaN-skipping one sees every array type
 * quantizationError accepts, the other only the backends' Float32Array / Float64Array (its property accesses stay
 * monomorphic or polymorphic, never megamorphic; SPEC §9).
 */
function laneRange(l: Float64Array, r: ArrayLike<number>, a: ArrayLike<number>, start: number, end: number, lane0: number, maxIn: number): number {
  let max = maxIn;
  for (let j = 0; j < ERROR_LANES; j++) {
    let sq = l[SQ + j]!;
    let abs = l[ABS + j]!;
    let ref2 = l[REF2 + j]!;
    let approx2 = l[APPROX2 + j]!;
    let dot = l[DOT + j]!;
    for (let i = start + ((j - lane0) & 7); i < end; i += ERROR_LANES) {
      const x = r[i]!;
      const y = a[i]!;
      const d = x - y;
      const m = Math.abs(d);
      sq += d * d;
      abs += m;
      ref2 += x * x;
      approx2 += y * y;
      dot += x * y;
      if (m > max || m !== m) max = m;
    }
    l[SQ + j] = sq;
    l[ABS + j] = abs;
    l[REF2 + j] = ref2;
    l[APPROX2 + j] = approx2;
    l[DOT + j] = dot;
  }
  return max;
}

/** laneRange leaving out the pairs holding a NaN (they keep their lanes); returns how many it left out. */
function laneRangeSkippingNaN(l: Float64Array, r: ArrayLike<number>, a: ArrayLike<number>, start: number, end: number, lane0: number, s: ErrorSums): number {
  let max = s.maxAbs;
  let skipped = 0;
  for (let j = 0; j < ERROR_LANES; j++) {
    let sq = l[SQ + j]!;
    let abs = l[ABS + j]!;
    let ref2 = l[REF2 + j]!;
    let approx2 = l[APPROX2 + j]!;
    let dot = l[DOT + j]!;
    for (let i = start + ((j - lane0) & 7); i < end; i += ERROR_LANES) {
      const x = r[i]!;
      const y = a[i]!;
      if (x !== x || y !== y) {
        skipped++;
        continue;
      }
      const d = x - y;
      const m = Math.abs(d);
      sq += d * d;
      abs += m;
      ref2 += x * x;
      approx2 += y * y;
      dot += x * y;
      if (m > max || m !== m) max = m; // inf - inf
    }
    l[SQ + j] = sq;
    l[ABS + j] = abs;
    l[REF2 + j] = ref2;
    l[APPROX2 + j] = approx2;
    l[DOT + j] = dot;
  }
  s.maxAbs = max;
  return skipped;
}

/**
 * The error sums of pairs fed in element order, in the order of SPEC §6: the pairs form blocks of ERROR_BLOCK from the
 * first; pair i of a block goes to lane i mod 8, and each lane adds its terms (d = r - a: d * d, |d|, r * r, a * a,
 * r * a) in element order from +0; a block's sum S of each quantity is ((L0 + L4) + (L1 + L5)) + ((L2 + L6) + (L3 + L7));
 * the totals start at +0 and add the blocks' S in block order. maxAbs is the maximum |d| (NaN once any |d| is NaN).
 * A pair left out for a NaN keeps its index: the pairs after it stay in their lanes. This is what the native kernels
 * compute per chunk (native/src/kernels/common/fake_quantize.h) and the binding adds up in chunk order, so the sums
 * agree bit for bit. Feed ranges that follow each other (the accumulator counts pairs, it does not see indices); a
 * range may span blocks. No allocation per pair: one 40-double lane buffer per accumulator.
 */
export class ErrorAccumulator {
  private readonly sums: ErrorSums = newErrorSums();
  private readonly lanes = new Float64Array(5 * ERROR_LANES);
  /** Pairs of the current block fed so far (left-out ones included). */
  private inBlock = 0;

  /**
   * Adds the pairs (reference[i], approx[i]) for start <= i < end, NaN included (a NaN makes the sums NaN): the
   * contract of the backends' fakeQuantizeTensor kernels. Float32Array or Float64Array arguments.
   */
  addRange(reference: ArrayLike<number>, approx: ArrayLike<number>, start: number, end: number): void {
    while (start < end) {
      const stop = Math.min(end, start + (ERROR_BLOCK - this.inBlock));
      this.sums.maxAbs = laneRange(this.lanes, reference, approx, start, stop, this.inBlock & 7, this.sums.maxAbs);
      this.advance(stop - start);
      start = stop;
    }
  }

  /**
   * Adds the pairs for start <= i < end, leaving out (and counting in nanCount) those where either value is NaN:
   * quantizationError's metrics (SPEC §6). Any array-like of numbers.
   */
  addRangeSkippingNaN(reference: ArrayLike<number>, approx: ArrayLike<number>, start: number, end: number): void {
    while (start < end) {
      const stop = Math.min(end, start + (ERROR_BLOCK - this.inBlock));
      const skipped = laneRangeSkippingNaN(this.lanes, reference, approx, start, stop, this.inBlock & 7, this.sums);
      this.sums.nanCount = (this.sums.nanCount ?? 0) + skipped;
      this.advance(stop - start);
      start = stop;
    }
  }

  /** The sums of every pair fed so far (the block under way included). Feed nothing after it. */
  finish(): ErrorSums {
    if (this.inBlock > 0) this.endBlock();
    return this.sums;
  }

  private advance(pairs: number): void {
    this.inBlock += pairs;
    if (this.inBlock === ERROR_BLOCK) this.endBlock();
  }

  private endBlock(): void {
    const l = this.lanes;
    const s = this.sums;
    s.sumSq += combineLanes(l, SQ);
    s.sumAbs += combineLanes(l, ABS);
    s.sumRef2 += combineLanes(l, REF2);
    s.sumApprox2 += combineLanes(l, APPROX2);
    s.dot += combineLanes(l, DOT);
    l.fill(0);
    this.inBlock = 0;
  }
}

/**
 * Metrics of n accumulated pairs, of which s.nanCount were left out. An empty input has no error: mse, rmse, maxAbs
 * and meanAbs 0, SQNR +Infinity, cosine 1. The cosine of two all-zero vectors is 1, of an all-zero and a non-zero
 * vector 0. When every pair was left out (all NaN) there is nothing to measure: every metric is NaN, cosine included.
 */
export function errorReportOf(s: ErrorSums, n: number): QuantizationErrorReport {
  const nanCount = s.nanCount ?? 0;
  const pairs = n - nanCount;
  if (pairs === 0 && nanCount > 0) return { mse: NaN, rmse: NaN, maxAbs: NaN, meanAbs: NaN, sqnrDb: NaN, cosine: NaN, nanCount };
  const mse = pairs === 0 ? 0 : s.sumSq / pairs;
  const norms = Math.sqrt(s.sumRef2) * Math.sqrt(s.sumApprox2);
  let cosine: number;
  if (norms > 0) cosine = s.dot / norms;
  else cosine = s.sumRef2 === 0 && s.sumApprox2 === 0 ? 1 : 0;
  let sqnrDb: number;
  if (s.sumSq === 0) sqnrDb = Infinity;
  else sqnrDb = 10 * Math.log10(s.sumRef2 / s.sumSq);
  return { mse, rmse: Math.sqrt(mse), maxAbs: s.maxAbs, meanAbs: pairs === 0 ? 0 : s.sumAbs / pairs, sqnrDb, cosine, nanCount };
}

/**
 * The report of a fakeQuantizeTensor kernel over whole arrays: every pair, NaN included, in the order of SPEC §6 (the
 * Backend contract, which the reference kernel computes chunk by chunk and an async kernel may compute at the end).
 */
export function kernelErrorReport(reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  const acc = new ErrorAccumulator();
  acc.addRange(reference, approx, 0, reference.length);
  return errorReportOf(acc.finish(), reference.length);
}

/**
 * The NaN-aware metrics of approx against reference, in one pass (quantizationError without argument checks). A NaN
 * pair keeps its index, so on NaN-free data the sums are kernelErrorReport's, bit for bit.
 */
export function errorReportSkippingNaN(reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  const acc = new ErrorAccumulator();
  acc.addRangeSkippingNaN(reference, approx, 0, reference.length);
  return errorReportOf(acc.finish(), reference.length);
}

/**
 * A kernel's report made NaN-aware: a report whose mse is NaN came from sums that took a NaN in, so it is measured
 * again, skipping the NaN pairs (one more pass, only for data holding NaN). Other reports are kept as they are.
 */
export function nanAwareReport(report: QuantizationErrorReport, reference: ArrayLike<number>, approx: ArrayLike<number>): QuantizationErrorReport {
  return Number.isNaN(report.mse) ? errorReportSkippingNaN(reference, approx) : report;
}
