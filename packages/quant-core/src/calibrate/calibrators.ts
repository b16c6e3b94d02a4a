import { referenceBackend, type Backend } from '../backend.js';
import { ErrorCodes, fail } from '../errors.js';
import { resolveGranularity, resolveShape, type ResolvedGranularity } from '../layout.js';
import { checkOptionKeys, OPTION_SCHEMAS, optionsObject } from '../options.js';
import { allocateOrLimit } from '../limits.js';
import { qparamsFromRange } from '../params.js';
import { measureGroupRanges, measureHalfGroupRanges } from '../ranges.js';
import { storageSpec, type StorageSpec } from '../storage.js';
import type { FloatArray, FloatDType, Granularity, HalfDType, KernelSpec, MinMax, Profile, Scheme } from '../types.js';
import { checkBoolean, checkFloatArray, checkProfile, checkScheme } from '../validate.js';
import { groupsOf } from './groups.js';
import { HalfValues, type CalibrationData } from './half-values.js';
import type { FiniteStats } from './histogram.js';
import { histogramQuantileSteps } from './percentile.js';
import { runCalibration } from './run-sync.js';
import { resolveCalibration, type CalibrationSpec, type ResolvedCalibration } from './spec.js';
import { addHistogram, finiteCopyOf, finiteStatsOf, finiteValuesOf, realMseOf, searchFor, tailMomentsOf, type Calibration } from './steps.js';

/**
 * What a range is calibrated for: the tensor, its scheme, storage and grouping (api.ts's plan has these fields). A half
 * tensor gives its bits and half type: then the calibrators read the bits (calibrationDataOf) and never `x`, which a
 * plan makes (widens) on first use.
 */
export interface CalibrationTarget {
  readonly x: FloatArray;
  readonly bits?: Uint16Array | undefined;
  readonly half?: HalfDType | undefined;
  readonly scheme: Scheme;
  readonly storage: StorageSpec;
  readonly kernel: KernelSpec;
  readonly dtype: FloatDType;
  readonly granularity: ResolvedGranularity;
}

/** A calibration target without the data: how one group will be quantized, and the backend that will do it. */
export interface GroupContext extends GroupPlan {
  readonly backend: Backend;
}

/** How one group will be quantized: what a calibrator needs besides the values (the runner has the backend). */
export interface GroupPlan {
  readonly scheme: Scheme;
  readonly storage: StorageSpec;
  readonly kernel: KernelSpec;
  readonly dtype: FloatDType;
}

const EMPTY: MinMax = Object.freeze({ min: Infinity, max: -Infinity });

/** Clipping factors tried around the model's choice when the MSE search is refined on the real error. */
const REFINE_FACTORS = [1, 0.85, 0.95, 1.05, 1.15];

/**
 * One (min, max) per group of target.x, estimated by `spec` (a `range: { method, ... }` option, validated here).
 * Symmetric schemes calibrate |x| and return [-a, a]; affine schemes calibrate [min, max]. Every method except
 * minmax ignores NaN and ±Infinity; a group without finite values gets the empty range (+Infinity, -Infinity),
 * which qparamsFromRange turns into scale 1.
 *
 * `backend` runs the min/max reductions, the histograms (when capabilities.histogram says it has its own) and the
 * real-error evaluations of 'mse'. Min/max and histogram counts are bit-identical on every backend; the real errors
 * of a native backend may differ from the reference's in the last bits above 65536 elements (it sums them chunk by
 * chunk), so 'mse' could pick another candidate only if two candidates' errors agreed to within those bits.
 */
export function calibrateGroups(target: CalibrationTarget, spec: unknown, backend: Backend = referenceBackend): { min: Float64Array; max: Float64Array } {
  const r = resolveCalibration(spec);
  const g = target.granularity;
  if (r.method === 'minmax') {
    return target.bits !== undefined ? measureHalfGroupRanges(target.bits, target.half!, g, backend) : measureGroupRanges(target.x, g, backend);
  }
  const min = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  const max = allocateOrLimit(g.groups, (n) => new Float64Array(n));
  for (const [i, values] of groupsOf(calibrationDataOf(target), g)) {
    const range = runCalibration(rangeOf(values, r, target), backend);
    min[i] = range.min;
    max[i] = range.max;
  }
  return { min, max };
}

/** The data the calibrators read: a half tensor's bits (not widened), else x. */
export function calibrationDataOf(target: CalibrationTarget): CalibrationData {
  return target.bits !== undefined ? new HalfValues(target.bits, target.half!) : target.x;
}

/** What calibrateRange calibrates for (the quantize options that matter to a range). */
export interface CalibrateRangeOptions {
  readonly scheme?: Scheme;
  readonly bits?: number;
  readonly narrowRange?: boolean;
  readonly profile?: Profile;
  readonly granularity?: Granularity;
  readonly shape?: readonly number[];
}

/**
 * The range `spec` picks for x, as quantize({ range: spec, ...options }) would use it: numbers per tensor, one element
 * per group per axis or block. Symmetric ranges come back as [-a, a].
 */
export function calibrateRange(
  x: FloatArray,
  spec: CalibrationSpec,
  options?: CalibrateRangeOptions,
  backend: Backend = referenceBackend,
): { min: number; max: number } | { min: Float64Array; max: Float64Array } {
  checkFloatArray(x, 'x');
  const o = optionsObject(options, 'calibrateRange');
  checkOptionKeys(o, OPTION_SCHEMAS.calibrateRange);
  const scheme = checkScheme(o.scheme);
  const storage = storageSpec(scheme, o.bits === undefined ? 8 : o.bits, checkBoolean(o.narrowRange, 'narrowRange'));
  const granularity = resolveGranularity(o.granularity, resolveShape(o.shape, x.length));
  const dtype: FloatDType = x instanceof Float32Array ? 'float32' : 'float64';
  const kernel: KernelSpec = { qmin: storage.qmin, qmax: storage.qmax, profile: checkProfile(o.profile) };
  const r = calibrateGroups({ x, scheme, storage, kernel, dtype, granularity }, spec, backend);
  return granularity.kind === 'tensor' ? { min: r.min[0]!, max: r.max[0]! } : r;
}

/** The range of one group of values under a resolved calibration. */
export function calibrateValues(x: FloatArray, r: ResolvedCalibration, ctx: GroupContext): MinMax {
  if (r.method === 'minmax') return ctx.backend.minMax(x);
  return runCalibration(rangeOf(x, r, ctx), ctx.backend);
}

/**
 * The range of one group as a calibration (steps.ts): the calibrator asks for its passes over x and its searches,
 * and whoever runs it performs them ('minmax' is the backend's own reduction and never comes here).
 */
export function rangeOf(x: CalibrationData, r: ResolvedCalibration, plan: GroupPlan): Calibration<MinMax> {
  switch (r.method) {
    case 'percentile':
      return percentileRange(x, r, plan);
    case 'entropy':
      return entropyRange(x, r, plan);
    case 'histogram':
      return l2SearchRange(x, r, plan);
    case 'mse':
      return mseRange(x, r, plan);
    case 'minmax':
      throw new Error('quantkit internal error: minmax ranges are measured by the backend, not calibrated');
  }
}

function checkHistogramSpan(lo: number, hi: number): void {
  if (!Number.isFinite(hi - lo)) fail(ErrorCodes.RANGE, `the data spans [${lo}, ${hi}], too wide for a histogram: pass an explicit range`);
}

/**
 * Symmetric: a = percentile p of |x|, range [-a, a]. Affine: [percentile (100 - p) / 2, percentile 100 - (100 - p) / 2]
 * of x, so the same share of values is clipped in total. Exact up to exactLimit finite values (numpy.percentile with
 * its default 'linear' method, found by selection on a float64 copy), histogram-based (two passes, no copy) above.
 */
function* percentileRange(x: CalibrationData, r: ResolvedCalibration, plan: GroupPlan): Calibration<MinMax> {
  const abs = plan.scheme === 'symmetric';
  const stats = yield* finiteStatsOf(x, abs);
  if (stats.count === 0) return EMPTY;
  const tail = (100 - r.percentile) / 2;
  const qs = abs ? [r.percentile / 100] : [tail / 100, (100 - tail) / 100];
  let values: number[];
  if (stats.count <= r.exactLimit) {
    const copy = yield* finiteCopyOf(x, abs);
    values = yield* searchFor({ kind: 'quantiles', values: copy, qs });
  } else {
    checkHistogramSpan(stats.min, stats.max);
    values = [];
    for (const q of qs) values.push(yield* histogramQuantileSteps(x, abs, stats.min, stats.max, stats.count, q, r.bins));
  }
  return abs ? { min: -values[0]!, max: values[0]! } : { min: values[0]!, max: values[1]! };
}

/**
 * TensorRT's entropy calibration on a histogram of |x| over [0, max|x|]. The threshold t clips symmetric ranges to
 * [-t, t] and affine ranges to [max(min, -t), min(max, t)]. Levels on the |x| side: 2^(bits-1), as TensorRT, or
 * 2^bits for affine data of one sign (TensorRT's unsigned case).
 */
function* entropyRange(x: CalibrationData, r: ResolvedCalibration, plan: GroupPlan): Calibration<MinMax> {
  const a = yield* finiteStatsOf(x, true);
  if (a.count === 0) return EMPTY;
  const s = plan.scheme === 'symmetric' ? a : yield* finiteStatsOf(x, false);
  const amax = a.max;
  if (amax === 0) return { min: 0, max: 0 };
  checkHistogramSpan(0, amax);
  const counts = new Float64Array(r.bins);
  yield* addHistogram(x, true, 0, amax, counts);
  const oneSigned = plan.scheme === 'affine' && (s.min >= 0 || s.max <= 0);
  const levels = 2 ** (plan.storage.bits - 1 + (oneSigned ? 1 : 0));
  const i = yield* searchFor({ kind: 'entropy', counts, levels, startBin: r.startBin, stride: r.stride });
  const t = i === r.bins ? amax : i * (amax / r.bins);
  if (plan.scheme === 'symmetric') return { min: -t, max: t };
  return { min: Math.max(s.min, -t), max: Math.min(s.max, t) };
}

/**
 * PyTorch HistogramObserver's L2 search on a histogram of x over [min, max] (also for symmetric schemes, as PyTorch:
 * the searched range then gives a = max(-lo, hi) and the range [-a, a]).
 */
function* l2SearchRange(x: CalibrationData, r: ResolvedCalibration, plan: GroupPlan): Calibration<MinMax> {
  const s = yield* finiteStatsOf(x, false);
  if (s.count === 0) return EMPTY;
  let lo = s.min;
  let hi = s.max;
  if (lo < hi) {
    checkHistogramSpan(lo, hi);
    const counts = new Float64Array(r.bins);
    yield* addHistogram(x, false, lo, hi, counts);
    const w = (hi - lo) / r.bins;
    const { start, end } = yield* searchFor({ kind: 'l2', counts, lo, hi, levels: plan.storage.qmax - plan.storage.qmin + 1 });
    lo = s.min + w * start;
    hi = end + 1 === r.bins ? s.max : Math.min(s.min + w * (end + 1), s.max);
  }
  if (plan.scheme === 'symmetric') {
    const a = Math.max(-lo, hi, 0);
    return { min: -a, max: a };
  }
  return { min: lo, max: hi };
}

/** Quantization steps of a range: symmetric ranges span 2^(bits-1) - 1 steps per side, affine qmax - qmin. */
function stepsOf(plan: GroupPlan): number {
  return plan.scheme === 'symmetric' ? 2 ** (plan.storage.bits - 1) - 1 : plan.storage.qmax - plan.storage.qmin;
}

/**
 * MSE-minimising range (quantkit's own; docs/CALIBRATION.md):
 *  1. model search (mseModelSearch) on a histogram over the finite range ([0, max|x|] for symmetric);
 *  2. if the chosen range is under a quarter of the data range, a second histogram zoomed on it (up to twice its
 *     bounds) with the tails outside kept as exact moments, and the model search again;
 *  3. refine: the real quantize→dequantize MSE of the backend's kernels for the model's range scaled by a few factors
 *     (REFINE_FACTORS) and for the min/max range; the lowest wins (the model's range on ties).
 */
function* mseRange(x: CalibrationData, r: ResolvedCalibration, plan: GroupPlan): Calibration<MinMax> {
  const abs = plan.scheme === 'symmetric';
  const stats = yield* finiteStatsOf(x, abs);
  if (stats.count === 0) return EMPTY;
  const lo = abs ? 0 : stats.min;
  const hi = stats.max;
  const full: MinMax = abs ? { min: -hi, max: hi } : { min: lo, max: hi };
  if (lo === hi) return full;
  checkHistogramSpan(lo, hi);
  const bins = Math.min(r.bins, Math.max(16, stats.count));
  const steps = stepsOf(plan);
  const none = { n: 0, s1: 0, s2: 0 };
  // Each search gets its own counts: a runner may take the arrays of a search (steps.ts).
  const counts = new Float64Array(bins);
  yield* addHistogram(x, abs, lo, hi, counts);
  let best = yield* searchFor({ kind: 'mseModel', counts, lo, hi, below: none, above: none, abs, steps });

  const zoomLo = abs ? 0 : Math.max(lo, Math.min(2 * best.min, best.min));
  const zoomHi = Math.min(hi, Math.max(2 * best.max, best.max));
  if ((zoomHi - zoomLo) * 4 < hi - lo && zoomHi > zoomLo) {
    const zoomed = new Float64Array(bins);
    yield* addHistogram(x, abs, zoomLo, zoomHi, zoomed);
    const tails = yield* tailMomentsOf(x, zoomLo, zoomHi, abs);
    best = yield* searchFor({ kind: 'mseModel', counts: zoomed, lo: zoomLo, hi: zoomHi, below: tails.below, above: tails.above, abs, steps });
  }
  if (!r.refine) return best;
  return yield* refineOnRealError(x, stats, best, full, plan);
}

/**
 * The real error needs every value as a float (the fake-quantize kernels take float data): a half group's finite
 * values are widened into a float32 copy here (chunk by chunk from the bits), as a float group with non-finite values
 * is copied. docs/CALIBRATION.md says so.
 */
function* refineOnRealError(x: CalibrationData, stats: FiniteStats, model: MinMax, full: MinMax, plan: GroupPlan): Calibration<MinMax> {
  const values = stats.count === x.length && !(x instanceof HalfValues) ? x : yield* finiteValuesOf(x, stats.count);
  const out = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length);
  // A range of one sign scaled by f > 1 can cross itself once one end is clamped to the data (both ends negative:
  // max * f < full.min = min); such a candidate is no range and is left out.
  const candidates: MinMax[] = REFINE_FACTORS.map((f) => ({
    min: Math.max(model.min * f, full.min),
    max: Math.min(model.max * f, full.max),
  })).filter((c) => c.min <= c.max);
  candidates.push(full);
  let best = model;
  let bestMse = Infinity;
  for (const c of candidates) {
    const { scale, zeroPoint } = qparamsFromRange(c.min, c.max, plan.scheme, plan.storage, plan.dtype);
    const mse = yield* realMseOf(values, scale, zeroPoint, plan.kernel, plan.storage, out);
    if (mse < bestMse) {
      bestMse = mse;
      best = c;
    }
  }
  return best;
}
