import type { Backend } from '@quantkit/quant-core';
import type { BackendColumn } from './backends.js';
import type { BandwidthResult } from './bandwidth/measure.js';
import { benchInput, formatSize } from './data.js';
import { formatRate } from './format.js';
import { LIMIT_MIN_SIZE, limitElementsPerSecond } from './limits.js';
import { measureInterleaved, type MeasureOptions, type Measurement } from './measure.js';
import type { Operation, PreparedOperation } from './ops/index.js';
import { openOrt, ORT_COLUMNS, type OrtLoad } from './ort.js';
import type { Cell, ColumnId, Row } from './results.js';

/*
 * The main table: operations × sizes × columns, in one process. For each size one input is generated, every
 * operation is set up once (outputs allocated, parameters computed, ONNX models built) and then timed on every column.
 */

export interface MatrixSettings {
  readonly sizes: readonly number[];
  readonly operations: readonly Operation[];
  readonly columns: readonly BackendColumn[];
  readonly ort: OrtLoad;
  readonly bandwidth: BandwidthResult;
  readonly measure: MeasureOptions;
  /**
   * A cell whose call would take longer than this (extrapolated from the same column at the previous size) is skipped
   * with that estimate as the reason: the reference's slowest kernels would otherwise take minutes at 64M.
   */
  readonly maxSecondsPerCall: number;
  readonly log: (line: string) => void;
}

function producerOf(columns: readonly BackendColumn[]): Backend {
  const order: ColumnId[] = ['native-avx2-2t', 'native-avx2', 'native-scalar', 'reference'];
  for (const id of order) {
    const b = columns.find((c) => c.id === id)?.backend;
    if (b !== undefined) return b;
  }
  throw new Error('no backend available');
}

function limitsFor(op: Operation, size: number, bw: BandwidthResult): Row['limit'] {
  if (size < LIMIT_MIN_SIZE) return undefined;
  const oneThread = limitElementsPerSecond(op.passes, bw.oneThread);
  const two = 'read' in bw.twoThreads ? limitElementsPerSecond(op.passes, bw.twoThreads) : undefined;
  return two === undefined ? { oneThread } : { oneThread, twoThreads: two };
}

/** A column of one row that will be timed, or the reason it is not. */
type Slot = { readonly id: ColumnId; readonly run: () => unknown; readonly release?: () => Promise<void> } | { readonly id: ColumnId; readonly skipped: string };

/** Below this the first size predicts nothing useful; a main table starting above it gets a silent probe run first. */
const PROBE_SIZE = 65536;
const PROBE_MEASURE: MeasureOptions = { repetitions: 3, minMs: 5, budgetMs: 50 };

export async function runMatrix(s: MatrixSettings): Promise<Row[]> {
  const producer = producerOf(s.columns);
  // Throughput of each (operation, column) at the last size measured, to predict the next size's call time.
  const lastRate = new Map<string, number>();
  if (s.sizes.length > 0 && s.sizes[0]! > 4 * PROBE_SIZE) {
    s.log(`probe at ${formatSize(PROBE_SIZE)} elements (not reported) to predict call times`);
    await measureSize(s, PROBE_SIZE, producer, lastRate, PROBE_MEASURE);
  }
  const rows: Row[] = [];
  for (const size of s.sizes) {
    const t0 = performance.now();
    rows.push(...(await measureSize(s, size, producer, lastRate, s.measure)));
    s.log(`size ${formatSize(size)} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return rows;
}

async function measureSize(s: MatrixSettings, size: number, producer: Backend, lastRate: Map<string, number>, options: MeasureOptions): Promise<Row[]> {
  const rows: Row[] = [];
  s.log(`size ${formatSize(size)}: generating input`);
  const x = benchInput(size);
  for (const op of s.operations) {
    const prepared: PreparedOperation = op.prepare(x, { producer, withOrt: s.ort.ok });
    const slots: Slot[] = [];
    for (const column of s.columns) {
      const reason = column.unavailable ?? op.unsupported?.(column);
      const backend = column.backend;
      const previous = lastRate.get(`${op.id}/${column.id}`);
      if (backend === undefined || reason !== undefined) slots.push({ id: column.id, skipped: reason ?? 'unavailable' });
      else if (previous !== undefined && size / previous > s.maxSecondsPerCall) {
        slots.push({ id: column.id, skipped: `not timed: about ${(size / previous).toFixed(0)} s per call at ${formatRate(previous)} (its rate at a smaller size), over the ${s.maxSecondsPerCall} s budget` });
      } else slots.push({ id: column.id, run: () => prepared.run(backend) });
    }
    for (const oc of ORT_COLUMNS) {
      if (!s.ort.ok) slots.push({ id: oc.id, skipped: s.ort.reason });
      else if (prepared.ort === undefined) slots.push({ id: oc.id, skipped: 'no ONNX Runtime counterpart' });
      else {
        const runner = await openOrt(s.ort.ort, prepared.ort, oc.threads);
        slots.push({ id: oc.id, run: runner.run, release: runner.release });
      }
    }
    const timed = slots.filter((x): x is Extract<Slot, { run: unknown }> => 'run' in x);
    let measured: Measurement[];
    try {
      measured = await measureInterleaved(
        timed.map((t) => ({ elements: size, run: t.run })),
        options,
      );
    } finally {
      for (const t of timed) await t.release?.();
    }
    const cells: Partial<Record<ColumnId, Cell>> = {};
    for (const slot of slots) {
      if ('skipped' in slot) {
        cells[slot.id] = { skipped: slot.skipped };
        continue;
      }
      const m = measured[timed.indexOf(slot)]!;
      lastRate.set(`${op.id}/${slot.id}`, m.elementsPerSecond);
      cells[slot.id] = { eps: m.elementsPerSecond, secondsPerCall: m.secondsPerCall, bestEps: size / m.bestSecondsPerCall, repetitions: m.repetitions, callsPerRepetition: m.callsPerRepetition };
    }
    // Skipped cells keep the last rate, so larger sizes are skipped too.
    const limit = limitsFor(op, size, s.bandwidth);
    rows.push({ op: op.id, size, cells, ...(limit !== undefined ? { limit } : {}) });
    s.log(`  ${op.id} ${formatSize(size)}: ${summary(cells)}`);
  }
  return rows;
}

function summary(cells: Partial<Record<ColumnId, Cell>>): string {
  return Object.entries(cells)
    .map(([id, c]) => `${id} ${c !== undefined && 'eps' in c ? formatRate(c.eps) : '-'}`)
    .join(', ');
}
