import { ErrorCodes, fail } from '../errors.js';
import { resolveGranularity, resolveShape } from '../layout.js';
import { minMax, minMaxAxis } from '../kernels/reduce.js';
import { qparamsFromRange } from '../params.js';
import { storageSpec } from '../storage.js';
import type { FloatArray, FloatDType, MinMax, Scheme } from '../types.js';
import { checkBoolean, checkFloatArray, checkScheme, describe } from '../validate.js';
import { entropyThresholdBin } from './entropy.js';
import { createGridHistogram, gridAdd, gridMerge, occupiedBins, type GridHistogram } from './grid-histogram.js';
import { finiteStats } from './histogram.js';
import { l2SearchBins } from './l2-search.js';
import { modelHistogram, mseModelSearch } from './mse.js';
import { lerp } from './percentile.js';
import { CALIBRATION_METHODS, resolveCalibration, type CalibrationMethod, type ResolvedCalibration } from './spec.js';

/** The calibrators, plus PyTorch's moving-average min/max. */
export type ObserverMethod = CalibrationMethod | 'moving-average';

export interface ObserverOptions {
  /** 'affine' (default) or 'symmetric': symmetric observers calibrate |x| (see docs/CALIBRATION.md). */
  readonly scheme?: Scheme;
  /** 'tensor' (default) or { axis } for one range per channel (minmax and moving-average only). */
  readonly granularity?: 'tensor' | { readonly axis: number };
  /** moving-average: weight of each new batch, in (0, 1]; default 0.01 (PyTorch). */
  readonly averagingConstant?: number;
  /** Histogram observers: number of bins (default 2048), and the method's own options (as in range: { method }). */
  readonly bins?: number;
  readonly percentile?: number;
  readonly startBin?: number;
  readonly stride?: number;
}

export interface ObserverRangeOptions {
  /** Bit width the range is for (entropy, mse and histogram depend on it); default 8. */
  readonly bits?: number;
  readonly narrowRange?: boolean;
}

export interface ObserverQParamsOptions extends ObserverRangeOptions {
  /** Precision of the scale: 'float32' (default) for Float32Array tensors, 'float64' for Float64Array ones. */
  readonly dtype?: FloatDType;
}

/** Parameters ready to spread into quantize options: quantize(x, { ...observer.qparams(), shape }). */
export interface ObserverQParams {
  readonly scheme: Scheme;
  readonly bits: number;
  readonly narrowRange: boolean;
  readonly granularity: 'tensor' | { readonly axis: number };
  readonly scale: number | FloatArray;
  readonly zeroPoint: number | Int32Array;
}

export interface ObservedRange {
  /** Numbers per tensor, one element per channel per axis. Empty: +Infinity / -Infinity. */
  readonly min: number | Float64Array;
  readonly max: number | Float64Array;
}

export interface Observer {
  readonly method: ObserverMethod;
  readonly scheme: Scheme;
  /** Elements passed to update so far (NaN included). */
  readonly elements: number;
  /** Adds a batch; per-axis observers need the batch's shape. Returns the observer. */
  update(x: FloatArray, shape?: readonly number[]): this;
  /** Adds what another observer of the same method and options has seen (not for moving-average). */
  merge(other: Observer): this;
  range(options?: ObserverRangeOptions): ObservedRange;
  qparams(options?: ObserverQParamsOptions): ObserverQParams;
  toJSON(): ObserverJSON;
}

/** The serialised form: plain JSON (non-finite numbers written as the strings 'Infinity' / '-Infinity'). */
export interface ObserverJSON {
  readonly format: 'quantkit-observer';
  readonly version: 1;
  readonly method: ObserverMethod;
  readonly scheme: Scheme;
  readonly options: Record<string, number | null>;
  readonly state: Record<string, unknown>;
}

const OBSERVER_METHODS: readonly ObserverMethod[] = [...CALIBRATION_METHODS, 'moving-average'];

function encode(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function decode(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === 'Infinity' || v === '-Infinity') return Number(v);
  return fail(ErrorCodes.OPTION, `observer JSON: ${name} must be a number, got ${JSON.stringify(v)}`);
}

function qparamsOf(range: ObservedRange, scheme: Scheme, granularity: ObserverQParams['granularity'], options: ObserverQParamsOptions | undefined): ObserverQParams {
  const bits = options?.bits ?? 8;
  const narrowRange = checkBoolean(options?.narrowRange, 'narrowRange');
  const dtype = options?.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') fail(ErrorCodes.OPTION, `dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  const storage = storageSpec(scheme, bits, narrowRange);
  const base = { scheme, bits, narrowRange, granularity };
  if (typeof range.min === 'number') {
    const q = qparamsFromRange(range.min, range.max as number, scheme, storage, dtype);
    return { ...base, scale: q.scale, zeroPoint: q.zeroPoint };
  }
  const min = range.min;
  const max = range.max as Float64Array;
  const scale = dtype === 'float32' ? new Float32Array(min.length) : new Float64Array(min.length);
  const zeroPoint = new Int32Array(min.length);
  for (let c = 0; c < min.length; c++) {
    const q = qparamsFromRange(min[c]!, max[c]!, scheme, storage, dtype);
    scale[c] = q.scale;
    zeroPoint[c] = q.zeroPoint;
  }
  return { ...base, scale, zeroPoint };
}

function checkMergeable(a: Observer, b: unknown): asserts b is Observer {
  if (!(b instanceof MinMaxObserver || b instanceof HistogramObserver)) fail(ErrorCodes.OPTION, `merge needs a quantkit observer, got ${describe(b)}`);
  if (a.method !== b.method || a.scheme !== b.scheme || JSON.stringify(a.toJSON().options) !== JSON.stringify(b.toJSON().options)) {
    fail(ErrorCodes.OPTION, `cannot merge a ${b.scheme} '${b.method}' observer into a ${a.scheme} '${a.method}' one with other options`);
  }
}

/**
 * Running min/max (MinMaxObserver / PerChannelMinMaxObserver) and PyTorch's MovingAverageMinMaxObserver:
 * first batch min, max = the batch's; later ones min = fl32(min + fl32(fl32(c) * fl32(batchMin - min))), the same for
 * max, in float32 as PyTorch's observer buffers are. NaN is ignored and ±Infinity counts (as the core's min/max);
 * batches without a non-NaN value leave the state unchanged.
 */
class MinMaxObserver implements Observer {
  readonly method: 'minmax' | 'moving-average';
  readonly scheme: Scheme;
  elements = 0;
  private readonly axis: number | undefined;
  private readonly c: number;
  private min: Float64Array;
  private max: Float64Array;

  constructor(method: 'minmax' | 'moving-average', scheme: Scheme, axis: number | undefined, averagingConstant: number) {
    this.method = method;
    this.scheme = scheme;
    this.axis = axis;
    this.c = Math.fround(averagingConstant);
    this.min = new Float64Array(axis === undefined ? 1 : 0).fill(Infinity);
    this.max = new Float64Array(axis === undefined ? 1 : 0).fill(-Infinity);
  }

  update(x: FloatArray, shape?: readonly number[]): this {
    checkFloatArray(x, 'x');
    let bMin: Float64Array;
    let bMax: Float64Array;
    if (this.axis === undefined) {
      const r = minMax(x);
      bMin = Float64Array.of(r.min);
      bMax = Float64Array.of(r.max);
    } else {
      if (shape === undefined) fail(ErrorCodes.SHAPE, 'a per-axis observer needs the shape of every batch: update(x, shape)');
      const g = resolveGranularity({ axis: this.axis }, resolveShape(shape, x.length));
      if (g.kind !== 'axis') throw new Error('unreachable');
      if (this.min.length === 0) {
        this.min = new Float64Array(g.groups).fill(Infinity);
        this.max = new Float64Array(g.groups).fill(-Infinity);
      }
      if (g.groups !== this.min.length) fail(ErrorCodes.SHAPE, `this observer has ${this.min.length} channels on axis ${this.axis}; the batch has ${g.groups}`);
      bMin = new Float64Array(g.groups);
      bMax = new Float64Array(g.groups);
      minMaxAxis(x, g.layout, bMin, bMax);
    }
    for (let i = 0; i < bMin.length; i++) this.combine(i, bMin[i]!, bMax[i]!);
    this.elements += x.length;
    return this;
  }

  private combine(i: number, lo: number, hi: number): void {
    if (lo > hi) return; // nothing but NaN in this batch (or channel)
    if (this.method === 'minmax' || (this.min[i] === Infinity && this.max[i] === -Infinity)) {
      const first = this.method === 'moving-average';
      this.min[i] = first ? Math.fround(lo) : Math.min(this.min[i]!, lo);
      this.max[i] = first ? Math.fround(hi) : Math.max(this.max[i]!, hi);
      return;
    }
    const f = Math.fround;
    this.min[i] = f(this.min[i]! + f(this.c * f(lo - this.min[i]!)));
    this.max[i] = f(this.max[i]! + f(this.c * f(hi - this.max[i]!)));
  }

  merge(other: Observer): this {
    checkMergeable(this, other);
    if (this.method === 'moving-average') {
      fail(ErrorCodes.OPTION, 'moving-average observers cannot be merged: an exponential moving average depends on the order of the batches');
    }
    const o = other as MinMaxObserver;
    if (this.min.length === 0) {
      this.min = new Float64Array(o.min.length).fill(Infinity);
      this.max = new Float64Array(o.max.length).fill(-Infinity);
    }
    if (o.min.length !== 0 && o.min.length !== this.min.length) fail(ErrorCodes.SHAPE, `cannot merge observers of ${this.min.length} and ${o.min.length} channels`);
    for (let i = 0; i < o.min.length; i++) this.combine(i, o.min[i]!, o.max[i]!);
    this.elements += o.elements;
    return this;
  }

  range(): ObservedRange {
    if (this.axis === undefined) return { min: this.min[0]!, max: this.max[0]! };
    return { min: this.min.slice(), max: this.max.slice() };
  }

  qparams(options?: ObserverQParamsOptions): ObserverQParams {
    return qparamsOf(this.range(), this.scheme, this.axis === undefined ? 'tensor' : { axis: this.axis }, options);
  }

  toJSON(): ObserverJSON {
    return {
      format: 'quantkit-observer',
      version: 1,
      method: this.method,
      scheme: this.scheme,
      options: { axis: this.axis ?? null, averagingConstant: this.method === 'moving-average' ? this.c : null },
      state: { elements: this.elements, min: Array.from(this.min, encode), max: Array.from(this.max, encode) },
    };
  }

  static fromState(o: MinMaxObserver, state: Record<string, unknown>): MinMaxObserver {
    const min = state['min'];
    const max = state['max'];
    if (!Array.isArray(min) || !Array.isArray(max) || min.length !== max.length) fail(ErrorCodes.OPTION, 'observer JSON: state.min and state.max must be arrays of equal length');
    if (o.axis === undefined && min.length !== 1) fail(ErrorCodes.OPTION, 'observer JSON: a per-tensor observer has one min and one max');
    o.min = Float64Array.from(min, (v, i) => decode(v, `state.min[${i}]`));
    o.max = Float64Array.from(max, (v, i) => decode(v, `state.max[${i}]`));
    o.elements = decode(state['elements'], 'state.elements');
    return o;
  }
}

/**
 * Histogram observers: a canonical-grid histogram (grid-histogram.ts) of x, or of |x| for symmetric schemes and for
 * entropy (which always thresholds |x|); 'histogram' (PyTorch's L2 search) always keeps x. The finite min and max of
 * x are tracked exactly, and every range is clamped to them.
 */
class HistogramObserver implements Observer {
  readonly method: CalibrationMethod;
  readonly scheme: Scheme;
  elements = 0;
  private readonly r: ResolvedCalibration;
  private grid: GridHistogram;
  private min = Infinity;
  private max = -Infinity;

  constructor(r: ResolvedCalibration, scheme: Scheme) {
    this.method = r.method;
    this.scheme = scheme;
    this.r = r;
    const abs = r.method === 'entropy' || (scheme === 'symmetric' && r.method !== 'histogram');
    this.grid = createGridHistogram(r.bins, abs);
  }

  update(x: FloatArray): this {
    checkFloatArray(x, 'x');
    const s = finiteStats(x);
    if (s.count > 0) {
      gridAdd(this.grid, x);
      this.min = Math.min(this.min, s.min);
      this.max = Math.max(this.max, s.max);
    }
    this.elements += x.length;
    return this;
  }

  merge(other: Observer): this {
    checkMergeable(this, other);
    const o = other as HistogramObserver;
    gridMerge(this.grid, o.grid);
    this.min = Math.min(this.min, o.min);
    this.max = Math.max(this.max, o.max);
    this.elements += o.elements;
    return this;
  }

  range(options?: ObserverRangeOptions): ObservedRange {
    const bits = options?.bits ?? 8;
    const storage = storageSpec(this.scheme, bits, checkBoolean(options?.narrowRange, 'narrowRange'));
    const symmetric = this.scheme === 'symmetric';
    const g = this.grid;
    if (g.count === 0) return { min: Infinity, max: -Infinity };
    const amax = Math.max(-this.min, this.max);
    const full: MinMax = symmetric ? { min: -amax, max: amax } : { min: this.min, max: this.max };
    const h = occupiedBins(g);
    if (h === null) return full; // a single distinct value
    const clampSym = (a: number): MinMax => {
      const t = Math.min(Math.max(a, 0), amax);
      return { min: -t, max: t };
    };
    const clamp = (lo: number, hi: number): MinMax => ({ min: Math.max(lo, this.min), max: Math.min(hi, this.max) });
    switch (this.method) {
      case 'percentile': {
        const tail = (100 - this.r.percentile) / 2;
        if (g.abs) return clampSym(histogramValueAt(h, g.count, this.r.percentile / 100));
        return clamp(histogramValueAt(h, g.count, tail / 100), histogramValueAt(h, g.count, (100 - tail) / 100));
      }
      case 'entropy': {
        const oneSigned = !symmetric && (this.min >= 0 || this.max <= 0);
        const i = entropyThresholdBin(h.counts, 2 ** (bits - 1 + (oneSigned ? 1 : 0)), this.r.startBin, this.r.stride);
        const t = (i * (h.hi - h.lo)) / h.counts.length;
        return symmetric ? clampSym(t) : clamp(-t, t);
      }
      case 'histogram': {
        const { start, end } = l2SearchBins(h.counts, h.lo, h.hi, storage.qmax - storage.qmin + 1);
        const w = (h.hi - h.lo) / h.counts.length;
        const r = clamp(h.lo + w * start, h.lo + w * (end + 1));
        return symmetric ? clampSym(Math.max(-r.min, r.max)) : r;
      }
      case 'mse': {
        const steps = symmetric ? 2 ** (bits - 1) - 1 : storage.qmax - storage.qmin;
        const r = mseModelSearch(modelHistogram(h.lo, h.hi, h.counts), g.abs, steps);
        return symmetric ? clampSym(r.max) : clamp(r.min, r.max);
      }
      case 'minmax':
        return full;
    }
  }

  qparams(options?: ObserverQParamsOptions): ObserverQParams {
    return qparamsOf(this.range(options), this.scheme, 'tensor', options);
  }

  toJSON(): ObserverJSON {
    const g = this.grid;
    const r = this.r;
    return {
      format: 'quantkit-observer',
      version: 1,
      method: this.method,
      scheme: this.scheme,
      options: { bins: r.bins, percentile: r.method === 'percentile' ? r.percentile : null, startBin: r.method === 'entropy' ? r.startBin : null, stride: r.method === 'entropy' ? r.stride : null },
      state: {
        elements: this.elements,
        min: encode(this.min),
        max: encode(this.max),
        count: g.count,
        dataMin: encode(g.dataMin),
        dataMax: encode(g.dataMax),
        exponent: g.exponent,
        offset: g.offset,
        counts: Array.from(g.counts),
      },
    };
  }

  static fromState(o: HistogramObserver, state: Record<string, unknown>): HistogramObserver {
    const g = o.grid;
    const counts = state['counts'];
    if (!Array.isArray(counts) || counts.length !== g.bins || !counts.every((c) => typeof c === 'number' && c >= 0)) {
      fail(ErrorCodes.OPTION, `observer JSON: state.counts must be ${g.bins} non-negative numbers`);
    }
    const exponent = state['exponent'];
    if (exponent !== null && !Number.isInteger(exponent)) fail(ErrorCodes.OPTION, 'observer JSON: state.exponent must be an integer or null');
    if (!Number.isInteger(state['offset'])) fail(ErrorCodes.OPTION, 'observer JSON: state.offset must be an integer');
    g.counts = Float64Array.from(counts as number[]);
    g.exponent = exponent as number | null;
    g.offset = state['offset'] as number;
    g.count = decode(state['count'], 'state.count');
    g.dataMin = decode(state['dataMin'], 'state.dataMin');
    g.dataMax = decode(state['dataMax'], 'state.dataMax');
    o.min = decode(state['min'], 'state.min');
    o.max = decode(state['max'], 'state.max');
    o.elements = decode(state['elements'], 'state.elements');
    if (g.count > 0 && !(g.dataMin <= g.dataMax && o.min <= o.max)) fail(ErrorCodes.RANGE, 'observer JSON: min > max in a non-empty observer');
    return o;
  }
}

/**
 * The value at quantile q of the `count` values of a histogram over [lo, hi], as histogramQuantile's final pass
 * places ranks (values evenly spread inside their bin) and lerps them like numpy.
 */
function histogramValueAt(h: { lo: number; hi: number; counts: Float64Array }, count: number, q: number): number {
  const hh = (count - 1) * q;
  const i = Math.min(Math.floor(hh), count - 1);
  const at = (k: number): number => {
    const w = (h.hi - h.lo) / h.counts.length;
    let before = 0;
    for (let j = 0; j < h.counts.length; j++) {
      const c = h.counts[j]!;
      if (c > 0 && k < before + c) return h.lo + w * (j + (k - before + 0.5) / c);
      before += c;
    }
    return h.hi;
  };
  return lerp(at(i), at(Math.min(i + 1, count - 1)), hh - i);
}

function checkAveragingConstant(c: unknown): number {
  if (typeof c !== 'number' || !(c > 0 && c <= 1)) fail(ErrorCodes.OPTION, `averagingConstant must be a number in (0, 1], got ${String(c)}`);
  return c;
}

/**
 * A streaming range observer for batch jobs: update(x) batch by batch, merge() shards, toJSON() to store it,
 * qparams() for the scale and zero point. Methods: 'minmax' (running min/max, per tensor or per axis),
 * 'moving-average' (PyTorch's MovingAverageMinMaxObserver, per tensor or per axis), and the histogram-based
 * 'percentile', 'mse', 'entropy' and 'histogram' (per tensor). Invalid options throw QuantError OPTION.
 */
export function createObserver(method: ObserverMethod, options?: ObserverOptions): Observer {
  if (!(OBSERVER_METHODS as readonly string[]).includes(method as string)) {
    fail(ErrorCodes.OPTION, `observer method must be one of ${OBSERVER_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  }
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) fail(ErrorCodes.OPTION, `observer options must be an object, got ${describe(o)}`);
  const scheme = checkScheme(o.scheme);
  const g = o.granularity ?? 'tensor';
  let axis: number | undefined;
  if (g !== 'tensor') {
    if (typeof g !== 'object' || g === null || typeof g.axis !== 'number' || !Number.isInteger(g.axis) || 'blockSize' in g) {
      fail(ErrorCodes.OPTION, `observer granularity must be 'tensor' or { axis }, got ${JSON.stringify(g)}`);
    }
    axis = g.axis;
  }
  const { scheme: _s, granularity: _g, averagingConstant, ...rest } = o;
  if (method === 'minmax' || method === 'moving-average') {
    const extra = Object.keys(rest).filter((k) => rest[k as keyof typeof rest] !== undefined);
    if (extra.length) fail(ErrorCodes.OPTION, `'${method}' observers take no ${extra.join(', ')} option`);
    if (method === 'minmax' && averagingConstant !== undefined) fail(ErrorCodes.OPTION, `averagingConstant is a 'moving-average' option`);
    const c = method === 'moving-average' ? checkAveragingConstant(averagingConstant ?? 0.01) : 1;
    return new MinMaxObserver(method, scheme, axis, c);
  }
  if (axis !== undefined) fail(ErrorCodes.OPTION, `'${method}' observers are per tensor: granularity { axis } is for 'minmax' and 'moving-average'`);
  if (averagingConstant !== undefined) fail(ErrorCodes.OPTION, `averagingConstant is a 'moving-average' option`);
  return new HistogramObserver(resolveCalibration({ method, ...rest }), scheme);
}

/** Rebuilds an observer from its toJSON() form (for instance after JSON.parse). */
export function observerFromJSON(json: unknown): Observer {
  if (typeof json !== 'object' || json === null) fail(ErrorCodes.OPTION, `observer JSON must be an object, got ${describe(json)}`);
  const j = json as Partial<ObserverJSON>;
  if (j.format !== 'quantkit-observer' || j.version !== 1) fail(ErrorCodes.OPTION, `not a quantkit observer (format ${JSON.stringify(j.format)}, version ${JSON.stringify(j.version)})`);
  if (typeof j.options !== 'object' || j.options === null || typeof j.state !== 'object' || j.state === null) fail(ErrorCodes.OPTION, 'observer JSON: options and state must be objects');
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(j.options)) if (v !== null) options[k] = v;
  const { axis, ...rest } = options;
  const observer = createObserver(j.method as ObserverMethod, {
    ...(rest as ObserverOptions),
    scheme: j.scheme as Scheme,
    ...(axis !== undefined ? { granularity: { axis: axis as number } } : {}),
  });
  if (observer instanceof MinMaxObserver) return MinMaxObserver.fromState(observer, j.state);
  return HistogramObserver.fromState(observer as HistogramObserver, j.state);
}
