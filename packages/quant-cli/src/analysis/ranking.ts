import type { FloatDtype } from '../formats/dtypes.js';
import { elementCount } from '../formats/tensor-source.js';
import type { AnalysisRow, GgmlFormat, Scheme } from '../lib.js';
import type { TensorAnalysis } from './analyze-tensor.js';
import type { GgmlRow } from './ggml-candidates.js';
import { ggmlStoredBits, quantkitStoredBits } from './stored-size.js';

/*
 * A tensor's candidates side by side: each with its size as stored and its error, marked per bit width. Comparing
 * 4-bit blocks (4.5 bits per weight and more) with 8-bit per-tensor codes on MSE alone always crowns the 8-bit one;
 * the question is what each width costs and which layout recovers it, so the marks are per width.
 */

/** The SQNR margin within which a cheaper candidate of the same width is "as good" as the best one. */
export const CHEAP_MARGIN_DB = 0.5;

/** One layout choice independent of the tensor (axis -1 is the last axis of every tensor): joins tensors in a file view. */
export interface Choice {
  /** 'affine uint4 block 32 mse', 'symmetric int8 per-channel minmax', 'ggml q4_k'. */
  readonly key: string;
  readonly kind: 'quantkit' | 'ggml';
  readonly bits: number;
  readonly scheme?: Scheme;
  readonly granularity?: 'tensor' | 'channel' | 'block';
  readonly blockSize?: number;
  readonly calibrator?: string;
  readonly narrowRange?: boolean;
  readonly profile?: 'onnx' | 'pytorch';
  readonly format?: GgmlFormat;
}

/** The error metrics of a candidate (analyze's, on the analysed values). */
type Metrics = Pick<AnalysisRow, 'label' | 'bits' | 'mse' | 'rmse' | 'sqnrDb' | 'maxAbs' | 'meanAbs' | 'cosine' | 'nanCount'>;

export interface RankedRow extends Metrics {
  readonly choice: Choice;
  /** The whole tensor, as stored. */
  readonly storedBits: number;
  readonly bitsPerWeight: number;
  /** MSE × the tensor's values that are numbers (estimated from the sample when the analysis ran on one). */
  readonly squaredError: number;
  /** The lowest MSE of all rows (the analysis' best). */
  readonly best: boolean;
  /** The lowest MSE of its bit width. */
  readonly bestOfBits: boolean;
  /** The fewest bits per weight among the rows of its width within CHEAP_MARGIN_DB of that width's best. */
  readonly cheapest: boolean;
  /** The analysis row behind a quantkit candidate (its parameters and options). */
  readonly row?: AnalysisRow;
}

export interface RankedTensor {
  readonly rows: readonly RankedRow[];
  readonly failed: TensorAnalysis['failed'];
}

function quantkitChoice(r: AnalysisRow): Choice {
  const g = r.granularity;
  const granularity = g === 'tensor' ? 'tensor' : 'blockSize' in g ? 'block' : 'channel';
  const blockSize = typeof g === 'object' && 'blockSize' in g ? g.blockSize : undefined;
  const layout = granularity === 'tensor' ? 'per-tensor' : granularity === 'channel' ? 'per-channel' : `block ${blockSize}`;
  const narrowRange = r.options.narrowRange === true;
  const profile = r.options.profile ?? 'onnx';
  const key = `${r.scheme} ${r.scheme === 'symmetric' ? 'int' : 'uint'}${r.bits} ${layout} ${r.calibrator}${narrowRange ? ' narrow' : ''}${profile === 'pytorch' ? ' pytorch' : ''}`;
  return { key, kind: 'quantkit', bits: r.bits, scheme: r.scheme, granularity, ...(blockSize !== undefined ? { blockSize } : {}), calibrator: r.calibrator, narrowRange, profile };
}

function ggmlChoice(r: GgmlRow): Choice {
  return { key: r.label, kind: 'ggml', bits: r.bits, format: r.format };
}

/** Sets best, bestOfBits and cheapest on rows whose MSE is a number. */
function mark(rows: Omit<RankedRow, 'best' | 'bestOfBits' | 'cheapest'>[]): RankedRow[] {
  const measured = rows.map((r, i) => ({ r, i })).filter(({ r }) => !Number.isNaN(r.mse));
  const lowest = (list: typeof measured): number => list.reduce((b, c) => (b < 0 || c.r.mse < rows[b]!.mse ? c.i : b), -1);
  const best = lowest(measured);
  const bestOfBits = new Set<number>();
  const cheapest = new Set<number>();
  for (const bits of new Set(measured.map(({ r }) => r.bits))) {
    const width = measured.filter(({ r }) => r.bits === bits);
    const b = lowest(width);
    bestOfBits.add(b);
    const floor = rows[b]!.sqnrDb - CHEAP_MARGIN_DB;
    const near = width.filter(({ r }) => r.sqnrDb >= floor);
    const c = near.reduce((k, x) => (k < 0 || x.r.bitsPerWeight < rows[k]!.bitsPerWeight || (x.r.bitsPerWeight === rows[k]!.bitsPerWeight && x.r.mse < rows[k]!.mse) ? x.i : k), -1);
    cheapest.add(c);
  }
  return rows.map((r, i) => ({ ...r, best: i === best, bestOfBits: bestOfBits.has(i), cheapest: cheapest.has(i) }));
}

/**
 * The analysis of a tensor (possibly of a sample of `sampleCount` values) ranked for the whole tensor of `shape`:
 * sizes from the full shape, squared error extrapolated from the sample's MSE.
 */
export function rankTensor(a: TensorAnalysis, shape: readonly number[], dtype: FloatDtype, sampleCount: number): RankedTensor {
  const count = elementCount(shape);
  const squared = (mse: number, nanCount: number): number => mse * count * (sampleCount > 0 ? 1 - nanCount / sampleCount : 1);
  const rows = [
    ...a.rows.map((r) => {
      const storedBits = quantkitStoredBits(r, shape, dtype);
      const { label, bits, mse, rmse, sqnrDb, maxAbs, meanAbs, cosine, nanCount } = r;
      return { label, choice: quantkitChoice(r), bits, storedBits, bitsPerWeight: count > 0 ? storedBits / count : 0, mse, rmse, sqnrDb, maxAbs, meanAbs, cosine, nanCount, squaredError: squared(mse, nanCount), row: r };
    }),
    ...a.ggml.map((r) => {
      const storedBits = ggmlStoredBits(r.format, shape);
      const { label, bits, mse, rmse, sqnrDb, maxAbs, meanAbs, cosine, nanCount } = r;
      return { label, choice: ggmlChoice(r), bits, storedBits, bitsPerWeight: count > 0 ? storedBits / count : 0, mse, rmse, sqnrDb, maxAbs, meanAbs, cosine, nanCount: nanCount ?? 0, squaredError: squared(mse, nanCount ?? 0) };
    }),
  ];
  return { rows: mark(rows), failed: a.failed };
}
