import { fail } from '../errors.js';
import { CALIBRATION_METHODS, formatCalibration, type AnalysisCandidate, type Granularity, type Scheme } from '../lib.js';
import { parseCalibrationOption, parseInteger } from '../options.js';

/*
 * The candidate flags of `quant compare` and `quant report`: comma-separated lists (the flags may also be repeated),
 * expanded into analyze()'s grid scheme × bits × granularity × calibrator.
 */

type GranularityKind = 'tensor' | 'channel' | 'block';

export const CANDIDATE_OPTIONS = {
  scheme: { type: 'string', multiple: true },
  bits: { type: 'string', multiple: true },
  granularity: { type: 'string', multiple: true },
  calibrate: { type: 'string', multiple: true },
  axis: { type: 'string' },
  'block-size': { type: 'string' },
  profile: { type: 'string' },
  'narrow-range': { type: 'boolean' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

export const DEFAULT_CALIBRATORS = ['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram'] as const;

export const CANDIDATE_OPTIONS_HELP = `Candidates (comma-separated lists; every combination is one row):
  --scheme LIST               affine, symmetric (default: both)
  --bits LIST                 code widths 2..16 (default: 8,4)
  --granularity LIST          tensor, channel, block (default: tensor)
  --calibrate LIST            minmax, percentile[:P], mse, entropy, histogram, with options as key=value
                              (default: ${DEFAULT_CALIBRATORS.join(',')});
                              'percentile:99.9,bins=4096,mse' is two calibrators
  --axis N                    axis of channel (default 0) and block (default -1) granularity
  --block-size N              block length for block granularity (default 32)
  --profile onnx|pytorch      onnx: x / scale (default); pytorch: x * (1 / scale)
  --narrow-range              drop the lowest code
  --include GLOB              analyse only tensors whose name matches (repeatable; * ? [..])
  --exclude GLOB              skip matching tensors (repeatable)`;

export interface CandidateValues {
  scheme?: string[];
  bits?: string[];
  granularity?: string[];
  calibrate?: string[];
  axis?: string;
  'block-size'?: string;
  profile?: string;
  'narrow-range'?: boolean;
}

/** The validated candidate lists; granularities still need a tensor's shape (see candidatesFor). */
export interface CandidateGrid {
  readonly schemes: readonly Scheme[];
  readonly bits: readonly number[];
  readonly granularities: readonly GranularityKind[];
  /** Calibrators in parseCalibration's canonical text form. */
  readonly calibrators: readonly string[];
  /** As given; undefined means 0 for channel and -1 (the last axis) for block. */
  readonly axis: number | undefined;
  readonly blockSize: number;
  readonly profile: 'onnx' | 'pytorch';
  readonly narrowRange: boolean;
}

function items(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim());
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}

function choices<T extends string>(values: string[] | undefined, flag: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const list = items(values);
  if (list.length === 0) return [...fallback];
  for (const v of list) if (!(allowed as readonly string[]).includes(v)) fail('USAGE', `--${flag} takes ${allowed.join(', ')}; got '${v}'`);
  return unique(list as T[]);
}

/**
 * Splits --calibrate lists. A comma also separates a calibrator's own options ('percentile:99.9,bins=4096'), so a
 * piece that does not start with a method name belongs to the calibrator before it.
 */
export function splitCalibrators(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    const start = out.length;
    for (const piece of value.split(',')) {
      const method = piece.split(':')[0]!.trim();
      const startsNew = (CALIBRATION_METHODS as readonly string[]).includes(method) || !piece.includes('=');
      if (startsNew || out.length === start) out.push(piece.trim());
      else out[out.length - 1] += `,${piece.trim()}`;
    }
  }
  return out;
}

export function candidateGrid(v: CandidateValues): CandidateGrid {
  const schemes = choices<Scheme>(v.scheme, 'scheme', ['affine', 'symmetric'], ['affine', 'symmetric']);
  const bitsList = items(v.bits);
  const bits = bitsList.length === 0 ? [8, 4] : unique(bitsList.map((b) => parseInteger(b, 'bits', 2, 16)!));
  const blockSize = parseInteger(v['block-size'], 'block-size', 1, Number.MAX_SAFE_INTEGER);
  const granularities = choices<GranularityKind>(v.granularity, 'granularity', ['tensor', 'channel', 'block'], blockSize !== undefined ? ['block'] : ['tensor']);
  if (blockSize !== undefined && !granularities.includes('block')) fail('USAGE', '--block-size needs block among the --granularity values');
  const axis = parseInteger(v.axis, 'axis', -64, 63);
  if (axis !== undefined && granularities.every((g) => g === 'tensor')) fail('USAGE', '--axis needs channel or block among the --granularity values');
  const texts = splitCalibrators(v.calibrate ?? []);
  if (texts.some((t) => t === '')) fail('USAGE', '--calibrate has an empty item');
  const calibrators = unique((texts.length === 0 ? [...DEFAULT_CALIBRATORS] : texts).map((t) => formatCalibration(parseCalibrationOption(t, 'calibrate'))));
  const profile = v.profile ?? 'onnx';
  if (profile !== 'onnx' && profile !== 'pytorch') fail('USAGE', `--profile must be one of onnx, pytorch; got '${profile}'`);
  return { schemes, bits, granularities, calibrators, axis, blockSize: blockSize ?? 32, profile, narrowRange: v['narrow-range'] === true };
}

/** Number of rows a tensor gets when every granularity applies to it. */
export function gridSize(g: CandidateGrid): number {
  return g.schemes.length * g.bits.length * g.granularities.length * g.calibrators.length;
}

/** analyze()'s granularity for one kind on a tensor of this shape, or why it does not apply. */
function resolveGranularity(kind: GranularityKind, grid: CandidateGrid, shape: readonly number[]): { granularity: Granularity } | { skipped: string } {
  if (kind === 'tensor') return { granularity: 'tensor' };
  const rank = shape.length;
  const axis = grid.axis ?? (kind === 'channel' ? 0 : -1);
  if (rank === 0) return { skipped: `${kind} granularity: a scalar has no axis` };
  if (axis < -rank || axis >= rank) return { skipped: `${kind} granularity: axis ${axis} is out of range for shape [${shape.join(', ')}]` };
  const a = axis < 0 ? axis + rank : axis;
  return { granularity: kind === 'channel' ? { axis: a } : { axis: a, blockSize: grid.blockSize } };
}

/** The candidates for one tensor, in analyze's grid order, and the granularities that do not apply to it. */
export function candidatesFor(grid: CandidateGrid, shape: readonly number[]): { candidates: AnalysisCandidate[]; notes: string[] } {
  const granularities: Granularity[] = [];
  const notes: string[] = [];
  for (const kind of grid.granularities) {
    const g = resolveGranularity(kind, grid, shape);
    if ('skipped' in g) notes.push(`${g.skipped}; those candidates were skipped`);
    else granularities.push(g.granularity);
  }
  const candidates: AnalysisCandidate[] = [];
  for (const scheme of grid.schemes) {
    for (const bits of grid.bits) {
      for (const granularity of granularities) {
        for (const calibrator of grid.calibrators) {
          candidates.push({ scheme, bits, granularity, calibrator, profile: grid.profile, narrowRange: grid.narrowRange });
        }
      }
    }
  }
  return { candidates, notes };
}
