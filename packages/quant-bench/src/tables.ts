import { formatSize } from './data.js';
import { formatBandwidth, formatMicroseconds, formatPercent, formatRate, formatRatio } from './format.js';
import { isMeasured, type BenchResults, type Cell, type ColumnId, type Row } from './results.js';
import { SWEEP_LIMIT } from './crossover.js';
import { routingConstants } from './routing-constants.js';

/** A table as data, rendered as text (console) or markdown (docs/BENCHMARKS.md). */
export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes: readonly string[];
}

const SHORT: Readonly<Record<ColumnId, string>> = {
  reference: 'reference',
  'native-scalar': 'scalar',
  'native-avx2': 'AVX2',
  'native-avx2-2t': 'AVX2 ×2t',
  'ort-1t': 'ORT 1t',
  'ort-2t': 'ORT 2t',
};
const COLUMN_ORDER: readonly ColumnId[] = ['reference', 'native-scalar', 'native-avx2', 'native-avx2-2t', 'ort-1t', 'ort-2t'];
/** A cell whose fastest repetition beats its median by more than this factor is flagged as bimodal. */
const BIMODAL = 2;
const TWO_THREADS: ReadonlySet<ColumnId> = new Set(['native-avx2-2t', 'ort-2t']);

function eps(c: Cell | undefined): number | undefined {
  return isMeasured(c) ? c.eps : undefined;
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined ? formatRatio(a / b) : '—';
}

/** One table per operation: its sizes as rows, the columns, the ratios and the fraction of the memory-bound limit. */
export function operationTables(r: BenchResults): Table[] {
  const unavailable = new Set(r.columns.filter((c) => c.unavailable !== undefined).map((c) => c.id));
  const tables: Table[] = [];
  for (const op of r.operations) {
    const rows = r.rows.filter((x) => x.op === op.id);
    if (rows.length === 0) continue;
    // Skipped cells, grouped: one note per column and reason, naming the sizes unless it is all of them.
    const skipped = new Map<string, number[]>();
    // Cells whose fastest repetition is more than twice the median: bimodal calls (see the method section).
    const bimodal: string[] = [];
    const body = rows.map((row: Row) => {
      const v = (id: ColumnId): number | undefined => eps(row.cells[id]);
      for (const id of COLUMN_ORDER) {
        const c = row.cells[id];
        if (isMeasured(c) && c.bestEps > BIMODAL * c.eps) bimodal.push(`${SHORT[id]} at ${formatSize(row.size)} ${formatRate(c.bestEps)}`);
        if (c === undefined || !('skipped' in c) || unavailable.has(id)) continue;
        const key = `${id}\u0000${c.skipped}`;
        skipped.set(key, [...(skipped.get(key) ?? []), row.size]);
      }
      // At sizes with a memory-bound limit, every figure also shows its fraction of it (two-thread columns: of the
      // two-thread limit).
      const shown = (id: ColumnId): string => {
        const e = v(id);
        if (e === undefined) return '—';
        const limit = TWO_THREADS.has(id) ? row.limit?.twoThreads : row.limit?.oneThread;
        return limit === undefined ? formatRate(e) : `${formatRate(e)} (${formatPercent(e / limit)})`;
      };
      return [
        formatSize(row.size),
        ...COLUMN_ORDER.map(shown),
        ratio(v('native-avx2'), v('reference')),
        ratio(v('native-avx2'), v('ort-1t')),
        ratio(v('native-avx2-2t'), v('native-avx2')),
      ];
    });
    const notes = new Set<string>();
    const merged = new Map<string, { ids: ColumnId[]; sizes: number[] }>();
    for (const [key, sizes] of skipped) {
      const [id, reason] = key.split('\u0000') as [ColumnId, string];
      const k = `${reason}\u0000${sizes.join(',')}`;
      const m = merged.get(k) ?? { ids: [], sizes };
      m.ids.push(id);
      merged.set(k, m);
    }
    for (const [k, m] of merged) {
      const reason = k.split('\u0000')[0]!;
      const where = m.sizes.length === rows.length ? '' : ` at ${m.sizes.map(formatSize).join(', ')}`;
      notes.add(`${m.ids.map((id) => SHORT[id]).join(', ')}${where}: ${reason}`);
    }
    if (bimodal.length > 0) notes.add(`fastest repetition more than ${BIMODAL}× the median (bimodal calls): ${bimodal.join(', ')}`);
    if (op.ortOp !== undefined) notes.add(`ORT columns: ${op.ortOp}${op.ortNote !== undefined ? `. ${op.ortNote}` : ''}`);
    tables.push({
      title: `${op.label} — ${op.description}; ${op.bytesPerElement} bytes/element`,
      header: ['size', ...COLUMN_ORDER.map((id) => SHORT[id]), 'AVX2/ref', 'AVX2/ORT1t', '2t/1t'],
      rows: body,
      notes: [...notes],
    });
  }
  return tables;
}

export function bandwidthTable(r: BenchResults): Table {
  const b = r.bandwidth;
  const rows: string[][] = [['1', formatBandwidth(b.oneThread.read), formatBandwidth(b.oneThread.copy), formatBandwidth(b.oneThread.readMedian), formatBandwidth(b.oneThread.copyMedian)]];
  const notes: string[] = [`${b.source === 'addon' ? 'native probes benchRead / benchCopy (native/src/bench/bandwidth.cc, in quant_bench_probes.node)' : 'JavaScript stand-in'} on ${formatSize(b.floats)} floats (${(b.floats * 4) / 2 ** 20} MiB per buffer), best of ${b.repetitions}; copy counts bytes read + written`];
  if (b.note !== undefined) notes.push(b.note);
  if ('read' in b.twoThreads) rows.push(['2', formatBandwidth(b.twoThreads.read), formatBandwidth(b.twoThreads.copy), formatBandwidth(b.twoThreads.readMedian), formatBandwidth(b.twoThreads.copyMedian)]);
  else notes.push(b.twoThreads.unavailable);
  return { title: 'Memory bandwidth', header: ['threads', 'read (best)', 'copy (best)', 'read (median)', 'copy (median)'], rows, notes };
}

export function overheadTable(r: BenchResults): Table {
  const ids: ColumnId[] = ['reference', 'native-scalar', 'native-avx2', 'ort-1t'];
  return {
    title: 'Per-call cost at 20 elements (µs per call, median)',
    header: ['operation', ...ids.map((id) => SHORT[id]), 'AVX2 − reference'],
    rows: r.overhead.map((o) => [
      o.op,
      ...ids.map((id) => (o.microseconds[id] !== undefined ? formatMicroseconds(o.microseconds[id]!) : '—')),
      o.nativeMinusReference !== undefined ? `${o.nativeMinusReference >= 0 ? '+' : '−'}${formatMicroseconds(Math.abs(o.nativeMinusReference))}` : '—',
    ]),
    notes: ['Backend-level calls (no validation) with caller-provided outputs; ORT: session.run with pre-allocated outputs'],
  };
}

export function scalingTable(r: BenchResults): Table {
  const s = r.scaling;
  const notes: string[] = [];
  if (s.unavailable !== undefined) notes.push(s.unavailable);
  if (s.worst !== undefined) notes.push(`main table, fastest repetitions compared: lowest 2-thread / 1-thread ratio ${formatRatio(s.worst.ratio)} (${s.worst.op} at ${formatSize(s.worst.size)}); cells below ×${s.tolerance}: ${s.slower.length === 0 ? 'none' : s.slower.map((x) => `${x.op}@${formatSize(x.size)} ${formatRatio(x.ratio)}`).join(', ')}`);
  notes.push('small inputs run on the calling thread whatever the thread setting (the native thread pool decides: native/src/binding/thread_pool.cc), so below its threshold the two columns time the same code');
  return {
    title: 'Two threads against one (native AVX2, 1M elements)',
    header: ['operation', '1 thread', '2 threads', 'speed-up'],
    rows: s.rows.map((x) => [x.op, formatRate(x.oneThread), formatRate(x.twoThreads), formatRatio(x.speedup)]),
    notes,
  };
}

export function crossoverTable(r: BenchResults): Table {
  const c = r.crossovers;
  const sizes = c.rows.reduce<number[]>((a, row) => (row.sizes.length > a.length ? [...row.sizes] : a), []);
  return {
    title: `Crossovers: native (${c.native}) / reference speed by size`,
    header: ['kernel', ...sizes.map(String), 'crossover'],
    rows: c.rows.map((row) => [row.kernel, ...sizes.map((_, i) => (row.ratios[i] !== undefined ? formatRatio(row.ratios[i]!) : '')), row.crossover === null ? `> ${SWEEP_LIMIT}` : String(row.crossover)]),
    notes: [
      ...(c.unavailable !== undefined ? [c.unavailable] : []),
      'crossover: the smallest size from which native is faster at every larger size of the sweep (Backend-level calls, same inputs)',
    ],
  };
}

export function targetsTable(r: BenchResults): Table {
  return {
    title: 'Targets (from the issues)',
    header: ['target', 'wanted', 'measured', 'status'],
    rows: r.targets.map((t) => [t.description, t.target, t.measured, t.status]),
    notes: r.targets.filter((t) => t.note !== undefined).map((t) => `${t.id}: ${t.note}`),
  };
}

export function routingText(r: BenchResults): string {
  return routingConstants(r.crossovers);
}

/** Columns that are empty for the whole run, and why (native addon not loaded, onnxruntime-node missing, ...). */
export function missingColumns(r: BenchResults): string[] {
  return r.columns.filter((c) => c.unavailable !== undefined).map((c) => `${c.label}: ${c.unavailable}`);
}
