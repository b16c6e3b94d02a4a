import type { QuantApi, QuantizeOptions, QuantParams } from '../api.js';
import { ErrorCodes, fail } from '../errors.js';
import { checkOptionKeys, OPTION_SCHEMAS, optionsObject } from '../options.js';
import type { FloatArray, Granularity, Profile, Scheme } from '../types.js';
import { describe } from '../validate.js';
import { formatCalibration, isCalibrationSpec, parseCalibration, type CalibrationSpec } from './spec.js';

/** A calibrator as analyze accepts it: a spec, or its text form ('percentile:99.9'). */
export type CalibratorLike = CalibrationSpec | string;

/** One configuration to try. Omitted fields take quantize's defaults (affine, 8 bits, per tensor, minmax). */
export interface AnalysisCandidate {
  readonly scheme?: Scheme;
  readonly bits?: number;
  readonly granularity?: Granularity;
  readonly calibrator?: CalibratorLike;
  readonly narrowRange?: boolean;
  readonly profile?: Profile;
}

/** Every combination of the listed values (one row each): scheme × bits × granularity × calibrator. */
export interface AnalysisGrid {
  readonly schemes?: readonly Scheme[];
  readonly bits?: readonly number[];
  readonly granularities?: readonly Granularity[];
  readonly calibrators?: readonly CalibratorLike[];
  readonly narrowRange?: boolean;
  readonly profile?: Profile;
}

export interface AnalysisOptions {
  /** Row-major shape of x; needed for per-axis and blocked candidates. */
  readonly shape?: readonly number[];
}

export interface AnalysisRow {
  /** 'symmetric int8 per-tensor minmax', 'affine uint4 axis 0 mse', ... */
  readonly label: string;
  readonly scheme: Scheme;
  readonly bits: number;
  readonly granularity: Granularity;
  /** The calibrator's text form (parseCalibration reads it back). */
  readonly calibrator: string;
  /** The quantize options this row was measured with (x's shape included). */
  readonly options: QuantizeOptions;
  readonly params: QuantParams;
  readonly mse: number;
  readonly rmse: number;
  readonly sqnrDb: number;
  readonly maxAbs: number;
  readonly meanAbs: number;
  readonly cosine: number;
  /** Values left out of the metrics because they are NaN (QuantizationErrorReport.nanCount). */
  readonly nanCount: number;
  /** True on the row with the lowest MSE (the first of equals); on no row when every MSE is NaN (all-NaN data). */
  readonly best: boolean;
}

export type Analyze = (x: FloatArray, candidates: readonly AnalysisCandidate[] | AnalysisGrid, options?: AnalysisOptions) => AnalysisRow[];

function toSpec(c: CalibratorLike | undefined): CalibrationSpec {
  if (c === undefined) return { method: 'minmax' };
  if (typeof c === 'string') return parseCalibration(c);
  if (!isCalibrationSpec(c)) fail(ErrorCodes.OPTION, `a calibrator must be a string or { method, ... }, got ${describe(c)}`);
  return c;
}

function granularityLabel(g: Granularity): string {
  if (g === 'tensor') return 'per-tensor';
  return 'blockSize' in g ? `axis ${g.axis} block ${g.blockSize}` : `axis ${g.axis}`;
}

/** A list of a grid: undefined takes the default; anything but an array (null included) is ERR_QUANT_OPTION. */
function listOf<T>(values: readonly T[] | undefined, name: string, fallback: readonly T[]): readonly T[] {
  if (values === undefined) return fallback;
  if (!Array.isArray(values)) fail(ErrorCodes.OPTION, `grid.${name} must be an array, got ${describe(values)}`);
  return values;
}

function expand(grid: AnalysisGrid): AnalysisCandidate[] {
  const out: AnalysisCandidate[] = [];
  for (const scheme of listOf<Scheme>(grid.schemes, 'schemes', ['affine'])) {
    for (const bits of listOf(grid.bits, 'bits', [8])) {
      for (const granularity of listOf(grid.granularities, 'granularities', ['tensor'])) {
        for (const calibrator of listOf(grid.calibrators, 'calibrators', ['minmax'])) {
          out.push({ scheme, bits, granularity, calibrator, narrowRange: grid.narrowRange, profile: grid.profile });
        }
      }
    }
  }
  return out;
}

/**
 * Binds analyze to a QuantApi (the reference one, or a native-backed one from the adapter): every row is one
 * fakeQuantizeWithError call of that API, so the metrics are those of the backend's own kernels.
 */
export function createAnalysis(api: QuantApi): Analyze {
  return function analyze(x, candidates, options) {
    if (typeof candidates !== 'object' || candidates === null) fail(ErrorCodes.OPTION, `candidates must be an array or a grid object, got ${describe(candidates)}`);
    if (!Array.isArray(candidates)) checkOptionKeys(candidates, OPTION_SCHEMAS.analyzeGrid, 'grid');
    const list = Array.isArray(candidates) ? (candidates as readonly AnalysisCandidate[]) : expand(candidates as AnalysisGrid);
    if (list.length === 0) fail(ErrorCodes.OPTION, 'analyze needs at least one candidate');
    checkOptionKeys(optionsObject(options, 'analyze'), OPTION_SCHEMAS.analyze);
    const shape = options?.shape;
    const rows = list.map((c) => {
      if (typeof c !== 'object' || c === null) fail(ErrorCodes.OPTION, `a candidate must be an object, got ${describe(c)}`);
      checkOptionKeys(c, OPTION_SCHEMAS.analyzeCandidate, 'candidate');
      const spec = toSpec(c.calibrator);
      // undefined takes quantize's default; null goes on to be refused by quantize's validation.
      const scheme = c.scheme === undefined ? 'affine' : c.scheme;
      const bits = c.bits === undefined ? 8 : c.bits;
      const granularity = c.granularity === undefined ? 'tensor' : c.granularity;
      const quantizeOptions: QuantizeOptions = {
        scheme,
        bits,
        granularity,
        range: spec,
        ...(shape !== undefined ? { shape } : {}),
        ...(c.narrowRange !== undefined ? { narrowRange: c.narrowRange } : {}),
        ...(c.profile !== undefined ? { profile: c.profile } : {}),
      };
      const { error, params } = api.fakeQuantizeWithError(x, quantizeOptions);
      const calibrator = formatCalibration(spec);
      const type = `${scheme === 'symmetric' ? 'int' : 'uint'}${bits}`;
      return {
        label: `${scheme} ${type} ${granularityLabel(granularity)} ${calibrator}${c.narrowRange ? ' narrow' : ''}`,
        scheme,
        bits,
        granularity,
        calibrator,
        options: quantizeOptions,
        params,
        ...error,
        best: false,
      };
    });
    let best = 0;
    for (let i = 1; i < rows.length; i++) {
      // NaN (non-finite data) never wins over a number.
      if (rows[i]!.mse < rows[best]!.mse || (Number.isNaN(rows[best]!.mse) && !Number.isNaN(rows[i]!.mse))) best = i;
    }
    if (!Number.isNaN(rows[best]!.mse)) rows[best] = { ...rows[best]!, best: true };
    return rows;
  };
}
