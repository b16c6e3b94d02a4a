import type { BandwidthResult } from './bandwidth/measure.js';
import type { MachineInfo } from './machine.js';
import type { Pass } from './ops/index.js';

/** The JSON a run writes (results/latest.json); docs/BENCHMARKS.md is generated from it. */

export type ColumnId = 'reference' | 'native-scalar' | 'native-avx2' | 'native-avx2-2t' | 'ort-1t' | 'ort-2t';

export const QUANTKIT_COLUMNS: readonly ColumnId[] = ['reference', 'native-scalar', 'native-avx2', 'native-avx2-2t'];
export const ORT_COLUMN_IDS: readonly ColumnId[] = ['ort-1t', 'ort-2t'];

export interface MeasuredCell {
  /** Median elements per second. */
  readonly eps: number;
  readonly secondsPerCall: number;
  /** Elements per second of the fastest repetition. */
  readonly bestEps: number;
  readonly repetitions: number;
  readonly callsPerRepetition: number;
}

export type Cell = MeasuredCell | { readonly skipped: string };

export function isMeasured(c: Cell | undefined): c is MeasuredCell {
  return c !== undefined && 'eps' in c;
}

export interface ColumnInfo {
  readonly id: ColumnId;
  readonly label: string;
  readonly kind: 'quantkit' | 'ort';
  readonly threads: number;
  /** Why the whole column is empty. */
  readonly unavailable?: string;
}

export interface OperationInfo {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly passes: readonly Pass[];
  readonly bytesPerElement: number;
  /** The ONNX Runtime operator of the ORT columns, if any, and what differs about it. */
  readonly ortOp?: string;
  readonly ortNote?: string;
}

export interface Row {
  readonly op: string;
  readonly size: number;
  readonly cells: Partial<Record<ColumnId, Cell>>;
  /** Memory-bound limits in elements per second (sizes >= 4M only), for one thread and for two. */
  readonly limit?: { readonly oneThread: number; readonly twoThreads?: number };
}

export interface OverheadRow {
  readonly op: string;
  readonly elements: number;
  /** Microseconds per call, by column (missing: unavailable). */
  readonly microseconds: Partial<Record<ColumnId, number>>;
  /** native AVX2 minus reference, in microseconds. */
  readonly nativeMinusReference?: number;
}

export interface ScalingRow {
  readonly op: string;
  readonly elements: number;
  readonly oneThread: number;
  readonly twoThreads: number;
  readonly speedup: number;
}

export interface ScalingResult {
  readonly rows: readonly ScalingRow[];
  /** The lowest two-thread / one-thread ratio over the main table, and where. */
  readonly worst?: { readonly op: string; readonly size: number; readonly ratio: number };
  /** Main-table cells where two threads ran more than the tolerance slower than one. */
  readonly slower: readonly { readonly op: string; readonly size: number; readonly ratio: number }[];
  /** Cells the main table flagged, each with its ratio when measured again with the two backends interleaved. */
  readonly remeasured?: readonly { readonly op: string; readonly size: number; readonly ratio: number }[];
  readonly tolerance: number;
  readonly unavailable?: string;
}

export interface CrossoverRow {
  /** The Backend kernel (and routing operation) this is for. */
  readonly kernel: string;
  readonly description: string;
  /** Sweep sizes and native / reference speed ratios at each. */
  readonly sizes: readonly number[];
  readonly ratios: readonly number[];
  /** Smallest sweep size from which native is faster at every larger sweep size; null: never within the sweep. */
  readonly crossover: number | null;
}

export interface CrossoverResult {
  readonly native: string;
  readonly rows: readonly CrossoverRow[];
  readonly unavailable?: string;
}

export interface TargetResult {
  readonly id: string;
  readonly description: string;
  readonly target: string;
  /** The measured value, formatted, or why there is none. */
  readonly measured: string;
  readonly status: 'met' | 'not met' | 'n/a';
  /** Where the number comes from, and anything that qualifies it. */
  readonly note?: string;
}

export interface BenchResults {
  readonly schema: 1;
  readonly kind: 'full' | 'quick';
  readonly startedAt: string;
  durationSeconds: number;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly software: {
    readonly quantCore: string;
    readonly native: { readonly available: boolean; readonly path?: string; readonly version?: string; readonly isas?: string; readonly reason?: string };
    readonly onnxruntime: { readonly available: boolean; readonly version?: string; readonly reason?: string };
  };
  readonly sizes: readonly number[];
  readonly bandwidth: BandwidthResult;
  readonly columns: readonly ColumnInfo[];
  readonly operations: readonly OperationInfo[];
  readonly rows: readonly Row[];
  readonly overhead: readonly OverheadRow[];
  readonly scaling: ScalingResult;
  readonly crossovers: CrossoverResult;
  readonly targets: readonly TargetResult[];
}
