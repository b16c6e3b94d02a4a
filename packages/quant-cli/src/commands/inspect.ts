import type { FileHandle } from 'node:fs/promises';
import { ExitStatus, fail, toCliError } from '../errors.js';
import { dequantizeTensor, quantizationCost } from '../engine.js';
import { isFloatDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { isQuantizedFile, readQuantizedFile } from '../formats/quantized-file.js';
import { recordFor, type QuantizedRecord, type QuantSettings } from '../formats/quantized-format.js';
import { readFloat, readRowMajor } from '../formats/read-tensor.js';
import type { TensorSource } from '../formats/tensor-source.js';
import { nameFilter } from '../glob.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import type { QuantizationErrorReport } from '../lib.js';
import { hasQuantOptions, parseCommandArgs, QUANT_OPTIONS, QUANT_OPTIONS_HELP, quantSettings } from '../options.js';
import { loadQuantized } from '../pipeline/load-quantized.js';
import { libraryOptions } from '../pipeline/quantize-job.js';
import { formatNumber, jsonNumber, tensorStats, type TensorStats } from '../stats.js';
import { renderTable } from '../table.js';
import { exitStatusOf, failureJson, reportFailure, type Failure } from './failures.js';

export const INSPECT_HELP = `Usage: quant inspect <files...> [options]

Prints a table per file: for every tensor its name, dtype, shape, min, max, mean and std (NaN ignored; std is the
population std). Quantized tensors (files written by 'quant quantize') show their scheme, bits and granularity, and
their statistics are those of the dequantized values.

Given any quantization option, it also estimates what quantizing each float tensor would cost: MSE, SQNR (dB) and
the largest absolute error of the dequantized values against the originals. --include/--exclude pick the tensors.

${QUANT_OPTIONS_HELP}

Output:
  --json              machine-readable output on stdout (non-finite numbers as "NaN", "Infinity", "-Infinity")
  -h, --help          show this help`;

interface Row {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly stats: TensorStats | undefined;
  readonly quantized: QuantizedRecord | undefined;
  readonly cost: QuantizationErrorReport | undefined;
}

/** Element values of any whole-byte numeric dtype (64-bit integers converted to the nearest double). */
function numbers(dtype: string, bytes: Uint8Array): ArrayLike<number> | undefined {
  const { buffer, byteOffset: o, byteLength: n } = bytes;
  switch (dtype) {
    case 'BOOL':
    case 'U8':
      return new Uint8Array(buffer, o, n);
    case 'I8':
      return new Int8Array(buffer, o, n);
    case 'I16':
      return new Int16Array(buffer, o, n / 2);
    case 'U16':
      return new Uint16Array(buffer, o, n / 2);
    case 'I32':
      return new Int32Array(buffer, o, n / 4);
    case 'U32':
      return new Uint32Array(buffer, o, n / 4);
    case 'I64':
      return Float64Array.from(new BigInt64Array(buffer, o, n / 8), Number);
    case 'U64':
      return Float64Array.from(new BigUint64Array(buffer, o, n / 8), Number);
    default:
      return undefined; // F8 variants, complex: no statistics
  }
}

async function plainRow(fh: FileHandle, t: TensorSource, pool: BufferPool, settings: QuantSettings | undefined, selected: boolean): Promise<Row> {
  if (isFloatDtype(t.dtype)) {
    const x = await readFloat(fh, t, pool);
    try {
      const stats = tensorStats(x.data);
      let cost: QuantizationErrorReport | undefined;
      if (settings && selected) cost = await quantizationCost(x.data, libraryOptions(recordFor(t.name, t.dtype, t.shape, settings)), interruptSignal);
      return { name: t.name, dtype: t.dtype, shape: t.shape, stats, quantized: undefined, cost };
    } finally {
      x.release();
    }
  }
  const raw = await readRowMajor(fh, t, pool);
  try {
    const values = numbers(t.dtype, raw.data);
    return { name: t.name, dtype: t.dtype, shape: t.shape, stats: values && tensorStats(values), quantized: undefined, cost: undefined };
  } finally {
    raw.release();
  }
}

async function inspectFile(path: string, settings: QuantSettings | undefined, select: (name: string) => boolean, pool: BufferPool): Promise<Row[]> {
  const { fh, input } = await openInput(path);
  try {
    const rows: Row[] = [];
    if (isQuantizedFile(input)) {
      const q = readQuantizedFile(input);
      for (const t of q.order) {
        const entry = q.quantized.get(t.name);
        try {
          if (entry === undefined) {
            rows.push(await plainRow(fh, t, pool, undefined, false));
            continue;
          }
          const loaded = await loadQuantized(fh, entry, pool);
          try {
            const values = await dequantizeTensor(loaded.qt, undefined, interruptSignal);
            rows.push({ name: t.name, dtype: t.dtype, shape: entry.record.shape, stats: tensorStats(values), quantized: entry.record, cost: undefined });
          } finally {
            loaded.release();
          }
        } catch (e) {
          throw toCliError(e, { file: path, tensor: t.name });
        }
      }
      return rows;
    }
    for (const t of input.tensors) {
      try {
        rows.push(await plainRow(fh, t, pool, settings, select(t.name)));
      } catch (e) {
        throw toCliError(e, { file: path, tensor: t.name });
      }
    }
    return rows;
  } finally {
    await fh.close();
  }
}

function describeQuant(r: QuantizedRecord): string {
  const g = r.granularity === 'tensor' ? 'per-tensor' : r.granularity === 'channel' ? `per-channel(axis ${r.axis})` : `block ${r.block_size}(axis ${r.axis})`;
  const calibration = r.calibration !== undefined && r.calibration !== 'minmax' ? ` ${r.calibration}` : '';
  return `${r.scheme} ${r.bits}-bit ${g}${r.packed ? ' packed' : ''}${r.profile === 'pytorch' ? ' pytorch' : ''}${calibration} from ${r.dtype}`;
}

function renderRows(rows: readonly Row[], withCost: boolean): string {
  const headers = ['name', 'dtype', 'shape', 'min', 'max', 'mean', 'std', 'quantization'];
  if (withCost) headers.push('mse', 'sqnr_db', 'max_abs_err');
  const stat = (s: TensorStats | undefined, k: 'min' | 'max' | 'mean' | 'std'): string => (s === undefined || s.count === 0 ? '' : formatNumber(s[k]));
  const table = rows.map((r) => {
    const cells = [r.name, r.dtype, `[${r.shape.join(', ')}]`, stat(r.stats, 'min'), stat(r.stats, 'max'), stat(r.stats, 'mean'), stat(r.stats, 'std'), r.quantized ? describeQuant(r.quantized) : ''];
    if (withCost) cells.push(r.cost ? formatNumber(r.cost.mse) : '', r.cost ? formatNumber(r.cost.sqnrDb) : '', r.cost ? formatNumber(r.cost.maxAbs) : '');
    return cells;
  });
  return renderTable(headers, table, new Set([3, 4, 5, 6, 8, 9, 10]));
}

function rowJson(r: Row): Record<string, unknown> {
  const s = r.stats;
  return {
    name: r.name,
    dtype: r.dtype,
    shape: r.shape,
    stats: s && { count: s.count, min: jsonNumber(s.min), max: jsonNumber(s.max), mean: jsonNumber(s.mean), std: jsonNumber(s.std), nanCount: s.nanCount, infCount: s.infCount },
    quantization: r.quantized ?? null,
    cost: r.cost ? { mse: jsonNumber(r.cost.mse), sqnrDb: jsonNumber(r.cost.sqnrDb), maxAbs: jsonNumber(r.cost.maxAbs), rmse: jsonNumber(r.cost.rmse), meanAbs: jsonNumber(r.cost.meanAbs) } : null,
  };
}

export async function inspectCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...QUANT_OPTIONS, json: { type: 'boolean' } }, 'inspect');
  if (values.help) {
    process.stdout.write(`${INSPECT_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no file given\nRun 'quant inspect --help' for usage.");
  const settings = hasQuantOptions(values) ? quantSettings(values) : undefined;
  const select = nameFilter(values.include ?? [], values.exclude ?? []);
  const pool = new BufferPool(4);
  const failures: Failure[] = [];
  const files: Record<string, unknown>[] = [];
  for (const path of positionals) {
    try {
      const rows = await inspectFile(path, settings, select, pool);
      if (values.json) files.push({ file: path, tensors: rows.map(rowJson) });
      else process.stdout.write(`${positionals.length > 1 ? `${path}\n` : ''}${renderRows(rows, settings !== undefined)}\n${positionals.length > 1 ? '\n' : ''}`);
    } catch (e) {
      const failure = { file: path, error: toCliError(e, { file: path }) };
      failures.push(failure);
      reportFailure(failure);
    }
  }
  const exitStatus = exitStatusOf(failures, positionals.length);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ command: 'inspect', ok: failures.length === 0, exitStatus, settings: settings ?? null, files, failures: failures.map(failureJson) }, null, 2)}\n`);
  }
  return exitStatus;
}
