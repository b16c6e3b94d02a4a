import { ErrorCodes, fail } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { describe } from '../validate.js';

/**
 * How a range is estimated from data (docs/CALIBRATION.md describes each algorithm and where it comes from).
 * Used as `range: { method, ... }` in quantize / computeQParams and by analyze; parseCalibration reads the same
 * thing from a string ('percentile:99.99').
 */
export type CalibrationSpec =
  | { readonly method: 'minmax' }
  | {
      readonly method: 'percentile';
      /** Percent of the values kept, in (0, 100]; default 99.99. */
      readonly percentile?: number;
      /** Histogram bins per pass for inputs above exactLimit; default 2048. */
      readonly bins?: number;
      /** Up to this many finite values the percentile is exact (sorted); above it, histogram-based. Default 2^20. */
      readonly exactLimit?: number;
    }
  | {
      readonly method: 'mse';
      /** Histogram bins of the model search; default 2048. */
      readonly bins?: number;
      /** Re-evaluate the best candidates with the backend's real quantize→dequantize error; default true. */
      readonly refine?: boolean;
    }
  | {
      readonly method: 'entropy';
      /** Histogram bins; default 2048 (TensorRT). */
      readonly bins?: number;
      /** Smallest candidate threshold, in bins; default 128 (TensorRT). */
      readonly startBin?: number;
      /** Step between candidate thresholds, in bins; default 1. */
      readonly stride?: number;
    }
  | {
      readonly method: 'histogram';
      /** Histogram bins; default 2048 (PyTorch HistogramObserver). */
      readonly bins?: number;
    };

export type CalibrationMethod = CalibrationSpec['method'];

export const CALIBRATION_METHODS: readonly CalibrationMethod[] = Object.freeze(['minmax', 'percentile', 'mse', 'entropy', 'histogram']);

/** A spec with every default filled in. */
export interface ResolvedCalibration {
  readonly method: CalibrationMethod;
  readonly percentile: number;
  readonly bins: number;
  readonly exactLimit: number;
  readonly refine: boolean;
  readonly startBin: number;
  readonly stride: number;
}

export const DEFAULT_PERCENTILE = 99.99;
export const DEFAULT_BINS = 2048;
/** 2^20 finite values: sorting a Float64Array copy of this size takes well under 0.1 s. */
export const DEFAULT_EXACT_LIMIT = 1 << 20;
/** The largest startBin and stride (they only shorten the entropy search; past `bins` they change nothing). */
export const MAX_BIN_OPTION = 1 << 20;

/**
 * The most histogram bins each method accepts (more is ERR_QUANT_LIMIT). `bins` multiplies the work of a search that
 * runs per group, synchronously: the caps keep the worst case to about a second per group (docs/CALIBRATION.md has
 * the measurements), 4 to 512 times the usual 2048 bins of TensorRT, PyTorch and onnxruntime.
 *  - percentile: two O(n + bins) passes; 2^20 bins (8 MB of counts) resolve a quantile to 1/2^40 of the range.
 *  - mse: O(bins) per coordinate-descent round of the model search (about 0.2 s at 2^20).
 *  - histogram: PyTorch's L2 search costs O(bins) per step and can take up to `bins` steps: O(bins²).
 *  - entropy: TensorRT's KL search tries up to `bins` thresholds at O(bins) each: O(bins²).
 */
export const BIN_LIMITS: Readonly<Record<Exclude<CalibrationMethod, 'minmax'>, number>> = Object.freeze({
  percentile: 1 << 20,
  mse: 1 << 20,
  histogram: 1 << 14,
  entropy: 1 << 13,
});

/** Options each method accepts (besides `method`): the calibrators' option schema (SPEC §8). */
const KEYS: Record<CalibrationMethod, readonly string[]> = {
  minmax: [],
  percentile: ['percentile', 'bins', 'exactLimit'],
  mse: ['bins', 'refine'],
  entropy: ['bins', 'startBin', 'stride'],
  histogram: ['bins'],
};

const ALL_KEYS: readonly string[] = [...new Set(Object.values(KEYS).flat())];

/** `bins` for a method: an integer >= 2 (else OPTION) and at most the method's cap (else LIMIT). */
function checkBins(value: unknown, method: CalibrationMethod): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2) fail(ErrorCodes.OPTION, `range.bins must be an integer >= 2, got ${describe(value)}`);
  const bins = value;
  const limit = method === 'minmax' ? Infinity : BIN_LIMITS[method];
  if (bins > limit) {
    const why = method === 'entropy' || method === 'histogram' ? 'its search time grows with the square of bins' : 'its time and memory grow with bins';
    fail(ErrorCodes.LIMIT, `range.bins of method '${method}' is limited to ${limit} (${why}), got ${bins}`);
  }
  return bins;
}

function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(ErrorCodes.OPTION, `range.${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

export function isCalibrationMethod(m: unknown): m is CalibrationMethod {
  return typeof m === 'string' && (CALIBRATION_METHODS as readonly string[]).includes(m);
}

/** Validates a calibration spec (unknown keys are rejected) and fills in the defaults. */
export function resolveCalibration(spec: unknown): ResolvedCalibration {
  if (typeof spec !== 'object' || spec === null) fail(ErrorCodes.OPTION, `range must be an object with a method, got ${describe(spec)}`);
  const s = spec as Record<string, unknown>;
  const method = s['method'];
  if (!isCalibrationMethod(method)) {
    fail(ErrorCodes.OPTION, `range.method must be one of ${CALIBRATION_METHODS.map((m) => `'${m}'`).join(', ')}, got ${describe(method)}`);
  }
  for (const key of Object.keys(s)) {
    // An option of another method is a misplaced option (OPTION); a key no method has is a typo (UNKNOWN_OPTION).
    if (key !== 'method' && s[key] !== undefined && !KEYS[method].includes(key) && ALL_KEYS.includes(key)) {
      const allowed = KEYS[method].length ? KEYS[method].join(', ') : 'no options';
      fail(ErrorCodes.OPTION, `range.${key} is not an option of method '${method}' (it takes ${allowed})`);
    }
  }
  checkOptionKeys(s, ['method', ...KEYS[method]], 'range');
  // undefined takes the default; null is a wrong value like any other (SPEC §8).
  const given = (key: string, fallback: unknown): unknown => (s[key] === undefined ? fallback : s[key]);
  const percentile = given('percentile', DEFAULT_PERCENTILE);
  if (typeof percentile !== 'number' || !(percentile > 0 && percentile <= 100)) {
    fail(ErrorCodes.OPTION, `range.percentile must be a number in (0, 100], got ${describe(percentile)}`);
  }
  const refine = given('refine', true);
  if (typeof refine !== 'boolean') fail(ErrorCodes.OPTION, `range.refine must be a boolean, got ${describe(refine)}`);
  return {
    method,
    percentile,
    bins: checkBins(given('bins', DEFAULT_BINS), method),
    exactLimit: checkInteger(given('exactLimit', DEFAULT_EXACT_LIMIT), 'exactLimit', 0, Number.MAX_SAFE_INTEGER),
    refine,
    startBin: checkInteger(given('startBin', 128), 'startBin', 1, MAX_BIN_OPTION),
    stride: checkInteger(given('stride', 1), 'stride', 1, MAX_BIN_OPTION),
  };
}

/** True when a `range` option asks for a calibrator rather than giving explicit bounds. */
export function isCalibrationSpec(range: unknown): range is CalibrationSpec {
  return typeof range === 'object' && range !== null && 'method' in range;
}

function parseValue(method: CalibrationMethod, key: string, text: string): number | boolean {
  if (key === 'refine') {
    if (text === 'true' || text === 'false') return text === 'true';
    return fail(ErrorCodes.OPTION, `calibration '${method}': refine must be true or false, got '${text}'`);
  }
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) fail(ErrorCodes.OPTION, `calibration '${method}': ${key} must be a number, got '${text}'`);
  return n;
}

/**
 * Parses a calibration written as text (command lines, config files):
 *
 *   minmax | mse | entropy | histogram | percentile            the method with its defaults
 *   percentile:99.99                                           a bare number is the percentile
 *   entropy:startBin=64,stride=2  mse:refine=false  percentile:99.9,bins=4096
 *
 * The result is validated like a `range: { method, ... }` option; errors are QuantErrors with code OPTION.
 */
export function parseCalibration(spec: string): CalibrationSpec {
  if (typeof spec !== 'string') fail(ErrorCodes.OPTION, `calibration must be a string, got ${describe(spec)}`);
  const colon = spec.indexOf(':');
  const method = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  if (!isCalibrationMethod(method)) {
    fail(ErrorCodes.OPTION, `unknown calibration '${spec}': the method must be one of ${CALIBRATION_METHODS.join(', ')}`);
  }
  const out: Record<string, unknown> = { method };
  if (colon >= 0) {
    const parts = spec.slice(colon + 1).split(',');
    parts.forEach((part, i) => {
      const eq = part.indexOf('=');
      if (eq < 0) {
        if (i !== 0 || method !== 'percentile') {
          fail(ErrorCodes.OPTION, `calibration '${spec}': expected key=value, got '${part}'`);
        }
        out['percentile'] = parseValue(method, 'percentile', part);
        return;
      }
      const key = part.slice(0, eq).trim();
      if (key in out) fail(ErrorCodes.OPTION, `calibration '${spec}': ${key} is given twice`);
      out[key] = parseValue(method, key, part.slice(eq + 1));
    });
  }
  resolveCalibration(out);
  return out as CalibrationSpec;
}

/** The text form of a spec (parseCalibration's inverse); only options that differ from the defaults are written. */
export function formatCalibration(spec: CalibrationSpec): string {
  const r = resolveCalibration(spec);
  const parts: string[] = [];
  if (r.method === 'percentile') parts.push(String(r.percentile));
  const defaults = resolveCalibration({ method: r.method });
  for (const key of KEYS[r.method]) {
    if (key === 'percentile') continue;
    const value = r[key as keyof ResolvedCalibration];
    if (value !== defaults[key as keyof ResolvedCalibration]) parts.push(`${key}=${String(value)}`);
  }
  return parts.length ? `${r.method}:${parts.join(',')}` : r.method;
}
