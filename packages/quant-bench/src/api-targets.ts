import { formatSize } from './data.js';
import { formatRate, formatRatio } from './format.js';
import type { ColumnId, TargetResult } from './results.js';
import { cellOf, rateTarget, whyMissing, type TargetInputs } from './target-cells.js';

/*
 * Issue 20's targets: the public API against the kernels it is made of, against ONNX Runtime and against the per-tensor
 * API, every baseline measured in the same run (ratios, never figures from another machine).
 */

const M = 1e6;
const G = 1e9;
const MI = 1 << 20;
const S16 = 16 * MI;
const S256K = 256 * 1024;

/** One cell a baseline is built from. */
export interface BaselineTerm {
  readonly op: string;
  readonly column: ColumnId;
  /** How the note names it, e.g. 'min/max kernel'. */
  readonly label: string;
}

export interface RatioTargetSpec {
  readonly id: string;
  readonly description: string;
  /** The cell held to the target. */
  readonly op: string;
  readonly size: number;
  readonly column: ColumnId;
  /** The measured figure must be at least factor × baseline. */
  readonly factor: number;
  /** Cells of the same size; several are combined as if run back to back (backToBack). */
  readonly baseline: readonly BaselineTerm[];
  /** The baseline in the 'wanted' column, e.g. 'min/max + quantize kernels back to back'. */
  readonly baselineLabel: string;
}

/** The rate of several calls on the same elements run one after the other: 1 / (1/a + 1/b + ...). */
export function backToBack(rates: readonly number[]): number {
  return 1 / rates.reduce((sum, r) => sum + 1 / r, 0);
}

/** A cell against factor × a baseline from other cells of the same run; 'n/a' with the reason when any is missing. */
export function ratioTarget(r: TargetInputs, s: RatioTargetSpec): TargetResult {
  const head = { id: s.id, description: s.description, target: `≥ ${s.factor} × ${s.baselineLabel}` };
  const v = cellOf(r, s.op, s.size, s.column);
  if (v === undefined) return { ...head, measured: whyMissing(r, s.op, s.size, s.column), status: 'n/a' };
  const rates = s.baseline.map((t) => cellOf(r, t.op, s.size, t.column));
  const missing = s.baseline.findIndex((_, i) => rates[i] === undefined);
  if (missing >= 0) {
    const t = s.baseline[missing]!;
    return { ...head, measured: `${formatRate(v)}; no baseline: ${t.label} ${whyMissing(r, t.op, s.size, t.column)}`, status: 'n/a' };
  }
  const known = rates as number[];
  const base = backToBack(known);
  const parts = s.baseline.map((t, i) => `${t.label} ${formatRate(known[i]!)}`).join(', ');
  return {
    ...head,
    measured: `${formatRate(v)} (${formatRatio(v / base)})`,
    status: v >= s.factor * base ? 'met' : 'not met',
    note: `baseline ${formatRate(base)}${s.baseline.length > 1 ? ` = back to back of ${parts}` : ` (${parts})`}; wanted ≥ ${formatRate(s.factor * base)}`,
  };
}

/** The slowest of several cells against a floor: 'not met' as soon as one measured cell is below it. */
export function slowestTarget(r: TargetInputs, id: string, description: string, ops: readonly string[], size: number, column: ColumnId, min: number): TargetResult {
  const head = { id, description, target: `≥ ${formatRate(min)} each` };
  const measured = ops.flatMap((op) => {
    const v = cellOf(r, op, size, column);
    return v === undefined ? [] : [{ op, v }];
  });
  const missing = ops.filter((op) => cellOf(r, op, size, column) === undefined);
  // Missing cells grouped by reason, so a quick run says 'not measured (quick run)' once.
  const byReason = new Map<string, string[]>();
  for (const op of missing) {
    const reason = whyMissing(r, op, size, column);
    byReason.set(reason, [...(byReason.get(reason) ?? []), op]);
  }
  const missingNote = [...byReason].map(([reason, names]) => `${reason}: ${names.join(', ')}`).join('; ');
  if (measured.length === 0 && byReason.size === 1) return { ...head, measured: [...byReason.keys()][0]!, note: `not measured: ${missing.join(', ')}`, status: 'n/a' };
  if (measured.length === 0) return { ...head, measured: missingNote, status: 'n/a' };
  const slowest = measured.reduce((a, b) => (b.v < a.v ? b : a));
  const below = measured.some((m) => m.v < min);
  const notes = [measured.map((m) => `${m.op} ${formatRate(m.v)}`).join(', ')];
  if (missing.length > 0) notes.push(`missing: ${missingNote}`);
  return {
    ...head,
    measured: `slowest ${formatRate(slowest.v)} (${slowest.op} at ${formatSize(size)})`,
    status: below ? 'not met' : missing.length > 0 ? 'n/a' : 'met',
    note: notes.join('; '),
  };
}

const NATIVE: ColumnId = 'native-avx2';
const MINMAX_KERNEL: BaselineTerm = { op: 'minmax', column: NATIVE, label: 'min/max kernel' };
const QUANTIZE_KERNEL: BaselineTerm = { op: 'quantize-tensor-u8', column: NATIVE, label: 'quantize kernel' };
const DEQUANTIZE_KERNEL: BaselineTerm = { op: 'dequantize-tensor-u8', column: NATIVE, label: 'dequantize kernel' };
const TENSOR_API: BaselineTerm = { op: 'quantize-full-u8', column: NATIVE, label: 'per-tensor quantize(x)' };

/** The API calls the reference is held to (min/max or given ranges; calibrators are not). */
export const REFERENCE_API_OPS: readonly string[] = [
  'quantize-full-u8',
  'api-dequantize-u8',
  'api-fake-quantize-u8',
  'api-fake-quantize-error-u8',
  'api-quantize-block-u8',
  'api-quantize-channel-u8',
  'api-quantize-channel-last-u8',
];

function fakeQuantizeTargets(r: TargetInputs): TargetResult[] {
  const calls = [
    { op: 'api-fake-quantize-u8', name: 'fakeQuantize(x)', withOut: 'api-fake-quantize-out-u8' },
    { op: 'api-fake-quantize-error-u8', name: 'fakeQuantizeWithError(x)', withOut: 'api-fake-quantize-error-out-u8' },
  ];
  return calls.flatMap((c) =>
    [S256K, S16].map((size) =>
      withOutNote(r, c.withOut, size, [QUANTIZE_KERNEL, DEQUANTIZE_KERNEL], ratioTarget(r, {
        id: `${c.op}-${formatSize(size).toLowerCase()}`,
        description: `native ${c.name} ${formatSize(size)}, range given, new output, single thread`,
        op: c.op,
        size,
        column: NATIVE,
        factor: 0.7,
        baseline: [QUANTIZE_KERNEL, DEQUANTIZE_KERNEL],
        baselineLabel: 'quantize + dequantize kernels back to back',
      })),
    ),
  );
}

/**
 * The same call into a reused `out`, in the target's note: what the API costs without a fresh output, against the
 * same baseline (the target itself stays the fresh-output row, as the issue defines it).
 */
function withOutNote(r: TargetInputs, op: string, size: number, baseline: readonly BaselineTerm[], t: TargetResult): TargetResult {
  const v = cellOf(r, op, size, NATIVE);
  const rates = baseline.map((b) => cellOf(r, b.op, size, b.column));
  if (v === undefined || rates.some((x) => x === undefined)) return t;
  const line = `into a reused out (no fresh output): ${formatRate(v)} (${formatRatio(v / backToBack(rates as number[]))})`;
  return { ...t, note: t.note === undefined ? line : `${t.note}; ${line}` };
}

function channelTargets(r: TargetInputs): TargetResult[] {
  return [
    { op: 'api-quantize-channel-u8', name: 'axis 0' },
    { op: 'api-quantize-channel-last-u8', name: 'last axis' },
  ].map((c) =>
    ratioTarget(r, {
      id: `${c.op}-16m`,
      description: `native per-channel quantize(x) (${c.name}) 16M → u8, new output, single thread`,
      op: c.op,
      size: S16,
      column: NATIVE,
      factor: 0.8,
      baseline: [TENSOR_API],
      baselineLabel: 'per-tensor quantize(x)',
    }),
  );
}

export function apiTargets(r: TargetInputs): TargetResult[] {
  return [
    withOutNote(r, 'api-quantize-out-u8', S16, [MINMAX_KERNEL, QUANTIZE_KERNEL], ratioTarget(r, {
      id: 'api-quantize-16m-kernels',
      description: 'native quantize(x) 16M affine u8, min/max, new output, single thread: the API adds nothing to its kernels',
      op: 'quantize-full-u8',
      size: S16,
      column: NATIVE,
      factor: 0.9,
      baseline: [MINMAX_KERNEL, QUANTIZE_KERNEL],
      baselineLabel: 'min/max + quantize kernels back to back',
    })),
    ratioTarget(r, {
      id: 'api-quantize-16m-ort',
      description: 'native quantize(x) 16M affine u8 against ONNX Runtime DynamicQuantizeLinear, single thread',
      op: 'quantize-full-u8',
      size: S16,
      column: NATIVE,
      factor: 1.5,
      baseline: [{ op: 'quantize-full-u8', column: 'ort-1t', label: 'ONNX Runtime DynamicQuantizeLinear 1 thread' }],
      baselineLabel: 'ONNX Runtime DynamicQuantizeLinear',
    }),
    ...fakeQuantizeTargets(r),
    rateTarget(r, 'api-quantize-block-16m', 'native blocked quantize(x) 16M, block 32, parameters from the data, new output, single thread', 'api-quantize-block-u8', S16, NATIVE, 2 * G),
    ...channelTargets(r),
    slowestTarget(r, 'ref-api-16m', 'reference quantize / dequantize / fakeQuantize API calls at 16M, min/max or given ranges', REFERENCE_API_OPS, S16, 'reference', 50 * M),
  ];
}

/** Issue 14: half-precision inputs read half the bytes, so per-tensor quantize of them must beat float32's. */
export function halfTargets(r: TargetInputs): TargetResult[] {
  return (['f16', 'bf16'] as const).map((t) =>
    ratioTarget(r, {
      id: `native-quantize-${t}-16m`,
      description: `native quantize 16M ${t} → u8 against f32 → u8 in the same run, single thread`,
      op: `half-quantize-${t}-u8`,
      size: S16,
      column: NATIVE,
      factor: 1.3,
      baseline: [QUANTIZE_KERNEL],
      baselineLabel: 'quantize f32 → u8',
    }),
  );
}
