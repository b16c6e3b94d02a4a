import type { QuantizedRecord } from '../formats/quantized-format.js';
import type { QuantizationErrorReport } from '../lib.js';
import { formatNumber, jsonNumber, type TensorStats } from '../stats.js';
import { renderTable } from '../table.js';

/** One tensor of `quant inspect`: its statistics, how it is quantized (quantized files) or what quantizing costs. */
export interface InspectRow {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly stats: TensorStats | undefined;
  readonly quantized: QuantizedRecord | undefined;
  readonly cost: QuantizationErrorReport | undefined;
  /** Why the quantization grid overflows the tensor's dtype (range-overflow.ts), or undefined. */
  readonly overflow: string | undefined;
}

function describeQuant(r: QuantizedRecord): string {
  const g = r.granularity === 'tensor' ? 'per-tensor' : r.granularity === 'channel' ? `per-channel(axis ${r.axis})` : `block ${r.block_size}(axis ${r.axis})`;
  const calibration = r.calibration !== undefined && r.calibration !== 'minmax' ? ` ${r.calibration}` : '';
  return `${r.scheme} ${r.bits}-bit ${g}${r.packed ? ' packed' : ''}${r.profile === 'pytorch' ? ' pytorch' : ''}${calibration} from ${r.dtype}`;
}

type Column = { readonly header: string; readonly numeric: boolean; readonly cell: (r: InspectRow) => string };

const stat = (k: 'min' | 'max' | 'mean' | 'std') => (r: InspectRow): string => (r.stats === undefined || r.stats.count === 0 ? '' : formatNumber(r.stats[k]));
const count = (k: 'nanCount' | 'infCount') => (r: InspectRow): string => (r.stats === undefined ? '' : String(r.stats[k]));
const cost = (k: 'mse' | 'sqnrDb' | 'maxAbs') => (r: InspectRow): string => (r.cost ? formatNumber(r.cost[k]) : '');

/**
 * The table of a file. Statistics ignore NaN; the columns 'nan' and 'inf' (how many values are NaN, ±Infinity)
 * appear when some tensor of the file has any. The cost columns appear with quantization options.
 */
export function renderInspectTable(rows: readonly InspectRow[], withCost: boolean): string {
  const nonFinite = rows.some((r) => r.stats !== undefined && (r.stats.nanCount > 0 || r.stats.infCount > 0));
  const columns: Column[] = [
    { header: 'name', numeric: false, cell: (r) => r.name },
    { header: 'dtype', numeric: false, cell: (r) => r.dtype },
    { header: 'shape', numeric: false, cell: (r) => `[${r.shape.join(', ')}]` },
    { header: 'min', numeric: true, cell: stat('min') },
    { header: 'max', numeric: true, cell: stat('max') },
    { header: 'mean', numeric: true, cell: stat('mean') },
    { header: 'std', numeric: true, cell: stat('std') },
    ...(nonFinite ? [{ header: 'nan', numeric: true, cell: count('nanCount') }, { header: 'inf', numeric: true, cell: count('infCount') }] : []),
    { header: 'quantization', numeric: false, cell: (r) => (r.quantized ? describeQuant(r.quantized) : '') },
    ...(withCost ? [{ header: 'mse', numeric: true, cell: cost('mse') }, { header: 'sqnr_db', numeric: true, cell: cost('sqnrDb') }, { header: 'max_abs_err', numeric: true, cell: cost('maxAbs') }] : []),
  ];
  const numeric = new Set(columns.flatMap((c, i) => (c.numeric ? [i] : [])));
  const table = renderTable(columns.map((c) => c.header), rows.map((r) => columns.map((c) => c.cell(r))), numeric);
  const costNaN = rows.reduce((s, r) => s + (r.cost?.nanCount ?? 0), 0);
  return costNaN > 0 ? `${table}\nnote: the cost metrics leave out NaN values (${costNaN} in all) and describe the others` : table;
}

export function inspectRowJson(r: InspectRow): Record<string, unknown> {
  const s = r.stats;
  const c = r.cost;
  return {
    name: r.name,
    dtype: r.dtype,
    shape: r.shape,
    stats: s && { count: s.count, min: jsonNumber(s.min), max: jsonNumber(s.max), mean: jsonNumber(s.mean), std: jsonNumber(s.std), nanCount: s.nanCount, infCount: s.infCount },
    quantization: r.quantized ?? null,
    cost: c ? { mse: jsonNumber(c.mse), sqnrDb: jsonNumber(c.sqnrDb), maxAbs: jsonNumber(c.maxAbs), rmse: jsonNumber(c.rmse), meanAbs: jsonNumber(c.meanAbs), nanCount: c.nanCount } : null,
    rangeOverflows: r.overflow !== undefined,
  };
}
