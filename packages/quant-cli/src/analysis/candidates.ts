import { fail } from '../errors.js';
import { CALIBRATION_METHODS, formatCalibration, type AnalysisCandidate, type Granularity, type Scheme } from '../lib.js';
import { parseCalibrationOption, parseInteger } from '../options.js';
import { GGML_DEFAULT_FORMATS, GGML_FORMAT_LIST, ggmlApplies, type GgmlFormat } from './ggml-candidates.js';

/*
 * The candidate flags of `quant compare` and `quant report`: comma-separated lists (the flags may also be repeated),
 * expanded into analyze()'s grid scheme × bits × granularity × calibrator, plus GGML block formats.
 *
 * Without flags the grid answers "what does each bit width cost, and which layout buys it back": tensors of rank >= 2
 * get per-tensor, per-channel and blocked candidates and the GGML formats; each granularity gets the calibrators that
 * mean something (and stay fast) for its group size (DEFAULT_CALIBRATORS).
 */

export type GranularityKind = 'tensor' | 'channel' | 'block';

export const CANDIDATE_OPTIONS = {
  scheme: { type: 'string', multiple: true },
  bits: { type: 'string', multiple: true },
  granularity: { type: 'string', multiple: true },
  calibrate: { type: 'string', multiple: true },
  axis: { type: 'string' },
  'block-size': { type: 'string', multiple: true },
  ggml: { type: 'string', multiple: true },
  profile: { type: 'string' },
  'narrow-range': { type: 'boolean' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

/**
 * Calibrators per granularity when --calibrate is not given (each search runs once per group, so its cost grows with
 * the number of groups). Per tensor: all five. Per channel: minmax, percentile and mse (TensorRT's O(bins²) KL search per
 * channel costs seconds on a large matrix). Per block: minmax (a percentile, histogram or KL divergence of 32 values
 * means little, and an mse search per block costs more than the rest of the grid together; the GGML formats in the
 * grid are the searched blocked layouts). --calibrate applies its list to every granularity.
 */
export const DEFAULT_CALIBRATORS: Readonly<Record<GranularityKind, readonly string[]>> = {
  tensor: ['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram'],
  channel: ['minmax', 'percentile:99.99', 'mse'],
  block: ['minmax'],
};

export const CANDIDATE_OPTIONS_HELP = `Candidates (comma-separated lists; every combination is one row):
  --scheme LIST               affine, symmetric (default: both)
  --bits LIST                 code widths 2..16 (default: 8,4)
  --granularity LIST          tensor, channel, block (default: all three for tensors of rank >= 2, tensor for the others)
  --calibrate LIST            minmax, percentile[:P], mse, entropy, histogram, with options as key=value
                              (default: per tensor ${DEFAULT_CALIBRATORS.tensor.join(',')}; per channel
                              ${DEFAULT_CALIBRATORS.channel.join(',')}; per block ${DEFAULT_CALIBRATORS.block.join(',')});
                              'percentile:99.9,bins=4096,mse' is two calibrators
  --axis N                    axis of channel (default 0) and block (default -1) granularity
  --block-size LIST           block lengths for block granularity (default 32); alone, it implies --granularity block
  --ggml LIST|all|none        GGML block formats (${GGML_FORMAT_LIST.join(', ')}), on tensors of rank >= 2 whose
                              rows (last axis) are whole blocks (default: ${GGML_DEFAULT_FORMATS.join(',')} when no other
                              candidate flag is given, none otherwise)
  --profile onnx|pytorch      onnx: x / scale (default); pytorch: x * (1 / scale)
  --narrow-range              drop the lowest code
  --include GLOB              analyse only tensors whose name matches (repeatable; * ? [..])
  --exclude GLOB              skip matching tensors (repeatable)

Every candidate is costed in bits per weight as quant quantize stores it (codes, 2- and 4-bit codes packed, plus a
scale and a zero point per group; GGML formats: their block size). In each bit width the lowest MSE is marked '*',
and '+' marks the cheapest candidate (fewest bits per weight) within 0.5 dB SQNR of it.`;

export interface CandidateValues {
  scheme?: string[];
  bits?: string[];
  granularity?: string[];
  calibrate?: string[];
  axis?: string;
  'block-size'?: string[];
  ggml?: string[];
  profile?: string;
  'narrow-range'?: boolean;
}

/** The validated candidate lists; granularities still need a tensor's shape (see candidatesFor). */
export interface CandidateGrid {
  readonly schemes: readonly Scheme[];
  readonly bits: readonly number[];
  /** As given; undefined: tensor, channel and block for rank >= 2, tensor otherwise. */
  readonly granularities: readonly GranularityKind[] | undefined;
  /** Calibrators in parseCalibration's canonical text form, as given; undefined: DEFAULT_CALIBRATORS. */
  readonly calibrators: readonly string[] | undefined;
  /** As given; undefined means 0 for channel and -1 (the last axis) for block. */
  readonly axis: number | undefined;
  readonly blockSizes: readonly number[];
  readonly profile: 'onnx' | 'pytorch';
  readonly narrowRange: boolean;
  readonly ggml: readonly GgmlFormat[];
}

function items(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim());
}

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}

function choices<T extends string>(values: string[] | undefined, flag: string, allowed: readonly T[]): T[] | undefined {
  const list = items(values);
  if (list.length === 0) return undefined;
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

function ggmlFormats(values: string[] | undefined, quantkitFlagsGiven: boolean): GgmlFormat[] {
  const list = items(values);
  if (list.length === 0) return quantkitFlagsGiven ? [] : [...GGML_DEFAULT_FORMATS];
  if (list.length === 1 && list[0] === 'none') return [];
  if (list.length === 1 && list[0] === 'all') return [...GGML_FORMAT_LIST];
  return choices<GgmlFormat>(list, 'ggml', GGML_FORMAT_LIST)!;
}

export function candidateGrid(v: CandidateValues): CandidateGrid {
  const schemes = choices<Scheme>(v.scheme, 'scheme', ['affine', 'symmetric']) ?? ['affine', 'symmetric'];
  const bitsList = items(v.bits);
  const bits = bitsList.length === 0 ? [8, 4] : unique(bitsList.map((b) => parseInteger(b, 'bits', 2, 16)!));
  const blockSizeList = items(v['block-size']);
  const blockSizes = unique(blockSizeList.map((b) => parseInteger(b, 'block-size', 1, Number.MAX_SAFE_INTEGER)!));
  const given = choices<GranularityKind>(v.granularity, 'granularity', ['tensor', 'channel', 'block']);
  const granularities = given ?? (blockSizes.length > 0 ? ['block' as const] : undefined);
  if (blockSizes.length > 0 && !granularities!.includes('block')) fail('USAGE', '--block-size needs block among the --granularity values');
  const axis = parseInteger(v.axis, 'axis', -64, 63);
  if (axis !== undefined && granularities !== undefined && granularities.every((g) => g === 'tensor')) fail('USAGE', '--axis needs channel or block among the --granularity values');
  const texts = splitCalibrators(v.calibrate ?? []);
  if (texts.some((t) => t === '')) fail('USAGE', '--calibrate has an empty item');
  const calibrators = texts.length === 0 ? undefined : unique(texts.map((t) => formatCalibration(parseCalibrationOption(t, 'calibrate'))));
  const profile = v.profile ?? 'onnx';
  if (profile !== 'onnx' && profile !== 'pytorch') fail('USAGE', `--profile must be one of onnx, pytorch; got '${profile}'`);
  const quantkitFlagsGiven = [v.scheme, v.bits, v.granularity, v.calibrate, v['block-size']].some((f) => f !== undefined && f.length > 0) || v.axis !== undefined;
  return {
    schemes,
    bits,
    granularities,
    calibrators,
    axis,
    blockSizes: blockSizes.length > 0 ? blockSizes : [32],
    profile,
    narrowRange: v['narrow-range'] === true,
    ggml: ggmlFormats(v.ggml, quantkitFlagsGiven),
  };
}

/** The granularities a tensor of this rank gets. */
export function granularitiesFor(grid: CandidateGrid, rank: number): readonly GranularityKind[] {
  return grid.granularities ?? (rank >= 2 ? ['tensor', 'channel', 'block'] : ['tensor']);
}

function calibratorsFor(grid: CandidateGrid, kind: GranularityKind): readonly string[] {
  return grid.calibrators ?? DEFAULT_CALIBRATORS[kind];
}

/** The most rows a tensor can get (every granularity and GGML format applying to it). */
export function gridSize(g: CandidateGrid): number {
  const kinds = g.granularities ?? ['tensor', 'channel', 'block'];
  const perWidth = kinds.reduce((sum, k) => sum + calibratorsFor(g, k).length * (k === 'block' ? g.blockSizes.length : 1), 0);
  return g.schemes.length * g.bits.length * perWidth + g.ggml.length;
}

/** analyze()'s granularities for one kind on a tensor of this shape, or why it does not apply. */
function resolveGranularity(kind: GranularityKind, grid: CandidateGrid, shape: readonly number[]): { granularities: Granularity[] } | { skipped: string } {
  if (kind === 'tensor') return { granularities: ['tensor'] };
  const rank = shape.length;
  const axis = grid.axis ?? (kind === 'channel' ? 0 : -1);
  if (rank === 0) return { skipped: `${kind} granularity: a scalar has no axis` };
  if (axis < -rank || axis >= rank) return { skipped: `${kind} granularity: axis ${axis} is out of range for shape [${shape.join(', ')}]` };
  const a = axis < 0 ? axis + rank : axis;
  return { granularities: kind === 'channel' ? [{ axis: a }] : grid.blockSizes.map((blockSize) => ({ axis: a, blockSize })) };
}

/** What a tensor gets: analyze's candidates (in grid order), the GGML formats that fit it, and what was skipped. */
export interface TensorCandidates {
  readonly candidates: AnalysisCandidate[];
  readonly formats: GgmlFormat[];
  readonly notes: string[];
}

/** The candidates for one tensor, in analyze's grid order, and the granularities that do not apply to it. */
export function candidatesFor(grid: CandidateGrid, shape: readonly number[]): TensorCandidates {
  const layouts: { granularity: Granularity; calibrators: readonly string[] }[] = [];
  const notes: string[] = [];
  for (const kind of granularitiesFor(grid, shape.length)) {
    const g = resolveGranularity(kind, grid, shape);
    if ('skipped' in g) notes.push(`${g.skipped}; those candidates were skipped`);
    else for (const granularity of g.granularities) layouts.push({ granularity, calibrators: calibratorsFor(grid, kind) });
  }
  const candidates: AnalysisCandidate[] = [];
  for (const scheme of grid.schemes) {
    for (const bits of grid.bits) {
      for (const { granularity, calibrators } of layouts) {
        for (const calibrator of calibrators) candidates.push({ scheme, bits, granularity, calibrator, profile: grid.profile, narrowRange: grid.narrowRange });
      }
    }
  }
  const formats: GgmlFormat[] = [];
  const skipped: string[] = [];
  for (const f of grid.ggml) {
    if (ggmlApplies(f, shape)) formats.push(f);
    else skipped.push(f);
  }
  if (skipped.length > 0 && shape.length >= 2) notes.push(`${skipped.join(', ')}: rows of ${shape[shape.length - 1]} values are not whole blocks of those formats; skipped`);
  return { candidates, formats, notes };
}
