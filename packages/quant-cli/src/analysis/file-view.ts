import type { FloatDtype } from '../formats/dtypes.js';
import type { Choice, RankedTensor } from './ranking.js';

/*
 * The whole file under one choice: every analysed tensor quantized the same way, its total size against its total
 * error. A choice that does not apply to a tensor (per-channel or GGML on a 1-D bias, a format whose blocks do not
 * divide its rows, a refused candidate) leaves that tensor in its original dtype: its bits count, its error is 0,
 * and the row says how many tensors were kept so.
 */

export interface FileTensor {
  readonly name: string;
  readonly dtype: FloatDtype;
  readonly count: number;
  readonly ranked: RankedTensor;
}

export interface UniformChoice {
  readonly choice: Choice;
  readonly totalBits: number;
  readonly bitsPerWeight: number;
  /** Σ over tensors of MSE × value count. */
  readonly squaredError: number;
  /** 10·log10(Σ x² / Σ error²) over the whole file. */
  readonly fileSqnrDb: number;
  /** The lowest SQNR of a tensor the choice applies to, and which. */
  readonly worstSqnrDb: number;
  readonly worstTensor: string | undefined;
  /** Tensors left in their original dtype (the choice does not apply to them). */
  readonly kept: number;
  /** No other uniform choice is at most as large with a smaller total error (or smaller with at most its error). */
  readonly pareto: boolean;
}

const DTYPE_BITS: Readonly<Record<FloatDtype, number>> = { F32: 32, F64: 64, F16: 16, BF16: 16 };

/** Bits of a tensor left unquantized. */
export function keptBits(t: Pick<FileTensor, 'dtype' | 'count'>): number {
  return t.count * DTYPE_BITS[t.dtype];
}

/** Σ x² of a tensor, recovered from any row with a finite SQNR and a positive error (0 when none has). */
export function signalEnergy(t: FileTensor): number {
  for (const r of t.ranked.rows) {
    if (Number.isFinite(r.sqnrDb) && r.squaredError > 0) return r.squaredError * 10 ** (r.sqnrDb / 10);
  }
  return 0;
}

function sqnrDb(signal: number, error: number): number {
  if (error === 0) return signal === 0 ? NaN : Infinity;
  return 10 * Math.log10(signal / error);
}

/** Marks the choices on the lower-left frontier of (size, error). */
function markPareto(list: Omit<UniformChoice, 'pareto'>[]): UniformChoice[] {
  const order = list.map((_, i) => i).sort((a, b) => list[a]!.totalBits - list[b]!.totalBits || list[a]!.squaredError - list[b]!.squaredError);
  const pareto = new Set<number>();
  let lowest = Infinity;
  for (const i of order) {
    const e = list[i]!.squaredError;
    if (e < lowest) {
      pareto.add(i);
      lowest = e;
    }
  }
  return list.map((u, i) => ({ ...u, pareto: pareto.has(i) }));
}

/** One row per choice measured on any tensor, ordered by size (then error). */
export function uniformChoices(tensors: readonly FileTensor[]): UniformChoice[] {
  const choices = new Map<string, Choice>();
  for (const t of tensors) for (const r of t.ranked.rows) if (!choices.has(r.choice.key)) choices.set(r.choice.key, r.choice);
  const weights = tensors.reduce((s, t) => s + t.count, 0);
  const energies = tensors.map(signalEnergy);
  const signal = energies.reduce((a, b) => a + b, 0);
  const list = [...choices.values()].map((choice) => {
    let totalBits = 0;
    let squaredError = 0;
    let kept = 0;
    let worstSqnrDb = Infinity;
    let worstTensor: string | undefined;
    for (const t of tensors) {
      const r = t.ranked.rows.find((x) => x.choice.key === choice.key && !Number.isNaN(x.mse));
      if (r === undefined) {
        kept++;
        totalBits += keptBits(t);
        continue;
      }
      totalBits += r.storedBits;
      squaredError += r.squaredError;
      if (worstTensor === undefined || r.sqnrDb < worstSqnrDb) {
        worstSqnrDb = r.sqnrDb;
        worstTensor = t.name;
      }
    }
    return { choice, totalBits, bitsPerWeight: weights > 0 ? totalBits / weights : 0, squaredError, fileSqnrDb: sqnrDb(signal, squaredError), worstSqnrDb: worstTensor === undefined ? NaN : worstSqnrDb, worstTensor, kept };
  });
  return markPareto(list).sort((a, b) => a.totalBits - b.totalBits || a.squaredError - b.squaredError);
}
