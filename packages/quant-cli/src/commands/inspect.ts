import type { FileHandle } from 'node:fs/promises';
import { describeOverflow, describeStoredOverflow, groupCount, storedOverflow, tensorOverflow } from '../analysis/range-overflow.js';
import { checkSelection } from '../analysis/selection-check.js';
import { checkStoredCodes } from '../code-range.js';
import { ExitStatus, fail, toCliError } from '../errors.js';
import { dequantizeTensor, quantizationCost } from '../engine.js';
import { isFloatDtype, type FloatDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { isQuantizedFile, readQuantizedFile, type QuantizedEntry } from '../formats/quantized-file.js';
import { recordFor, type QuantSettings } from '../formats/quantized-format.js';
import { readRowMajor, readValues } from '../formats/read-tensor.js';
import type { TensorSource } from '../formats/tensor-source.js';
import { widenedValues, type TensorValues } from '../formats/tensor-values.js';
import { NameFilter } from '../glob.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import { requireBackend, type QuantizedTensor } from '../lib.js';
import { hasQuantOptions, parseCommandArgs, QUANT_OPTIONS, QUANT_OPTIONS_HELP, quantSettings } from '../options.js';
import { loadQuantized } from '../pipeline/load-quantized.js';
import { libraryOptions } from '../pipeline/quantize-job.js';
import { jsonText, visible } from '../safe-text.js';
import { tensorStats } from '../stats.js';
import { exitStatusOf, failureJson, reportFailure, type Failure } from './failures.js';
import { inspectRowJson, renderInspectTable, type InspectRow } from './inspect-table.js';
import { inspectGguf, isGgufPath } from './inspect-gguf.js';
import { ggufInspectionJson, renderGgufInspection } from './inspect-gguf-table.js';
import { Warnings } from './warnings.js';

export const INSPECT_HELP = `Usage: quant inspect <files...> [options]

Prints a table per file: for every tensor its name, dtype, shape, min, max, mean and std (NaN ignored; std is the
population std; columns nan and inf count NaN and ±Infinity values when a tensor of the file has any). Quantized
tensors (files written by 'quant quantize') show their scheme, bits and granularity, and their statistics are those
of the dequantized values (their codes are checked against the recorded bits first).

GGUF files (llama.cpp models, recognised by their magic or a .gguf extension) show their header: every tensor's
GGML type, shape (ggml's order: row length first), bytes and bits per weight, the totals per type, and the file's
general.file_type and bits per weight overall; no tensor data is read, and quantization options do not apply to them
('quant gguf' re-quantizes them).

Given any quantization option, it also estimates what quantizing each float tensor would cost: MSE, SQNR (dB) and
the largest absolute error of the dequantized values against the originals (NaN values left out). --include/--exclude
pick the tensors. A tensor whose quantization grid reaches beyond its dtype (values near ±3.4e38 in float32, ±65504 in
float16, which would come back as ±Infinity) is named in a warning on stderr.

${QUANT_OPTIONS_HELP}

Output:
  --json              machine-readable output on stdout (non-finite numbers as "NaN", "Infinity", "-Infinity")
  -h, --help          show this help`;

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

interface InspectContext {
  readonly settings: QuantSettings | undefined;
  readonly select: (name: string) => boolean;
  readonly pool: BufferPool;
}

function overflowOf(x: TensorValues, qt: QuantizedTensor, dtype: FloatDtype): string | undefined {
  const o = tensorOverflow(qt, dtype, x);
  return o && describeOverflow(o, dtype, groupCount(qt));
}

async function plainRow(fh: FileHandle, t: TensorSource, c: InspectContext): Promise<InspectRow> {
  const row = { name: t.name, dtype: t.dtype, shape: t.shape, quantized: undefined };
  if (isFloatDtype(t.dtype)) {
    const x = await readValues(fh, t, c.pool);
    // The statistics and the error's reference need numbers (half bits widened); the quantization takes x as it is.
    const numbers = widenedValues(x, c.pool);
    try {
      const stats = tensorStats(numbers.data);
      if (!c.settings || !c.select(t.name)) return { ...row, stats, cost: undefined, overflow: undefined };
      const { error, quantized } = await quantizationCost(x.data, numbers.data, libraryOptions(recordFor(t.name, t.dtype, t.shape, c.settings)), interruptSignal);
      return { ...row, stats, cost: error, overflow: overflowOf(x, quantized, t.dtype) };
    } finally {
      numbers.release();
      x.release();
    }
  }
  const raw = await readRowMajor(fh, t, c.pool);
  try {
    const values = numbers(t.dtype, raw.data);
    return { ...row, stats: values && tensorStats(values), cost: undefined, overflow: undefined };
  } finally {
    raw.release();
  }
}

/** A tensor of a quantized file: its stored codes checked, then the statistics of its dequantized values. */
async function quantizedRow(fh: FileHandle, t: TensorSource, entry: QuantizedEntry, pool: BufferPool): Promise<InspectRow> {
  const loaded = await loadQuantized(fh, entry, pool);
  try {
    checkStoredCodes(loaded.qt);
    const values = await dequantizeTensor(loaded.qt, undefined, interruptSignal);
    const r = entry.record;
    const overflow = storedOverflow(values, r.dtype);
    return { name: t.name, dtype: t.dtype, shape: r.shape, stats: tensorStats(values), quantized: r, cost: undefined, overflow: overflow && describeStoredOverflow(overflow, r.dtype) };
  } finally {
    loaded.release();
  }
}

async function inspectFile(path: string, c: InspectContext): Promise<InspectRow[]> {
  const { fh, input } = await openInput(path);
  try {
    const rows: InspectRow[] = [];
    const q = isQuantizedFile(input) ? readQuantizedFile(input) : undefined;
    for (const t of q ? q.order : input.tensors) {
      try {
        const entry = q?.quantized.get(t.name);
        rows.push(entry ? await quantizedRow(fh, t, entry, c.pool) : await plainRow(fh, t, q ? { ...c, settings: undefined } : c));
      } catch (e) {
        throw toCliError(e, { file: path, tensor: t.name });
      }
    }
    return rows;
  } finally {
    await fh.close();
  }
}

export async function inspectCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...QUANT_OPTIONS, json: { type: 'boolean' } }, 'inspect');
  if (values.help) {
    process.stdout.write(`${INSPECT_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length === 0) fail('USAGE', "no file given\nRun 'quant inspect --help' for usage.");
  const settings = hasQuantOptions(values) ? quantSettings(values) : undefined;
  const filter = new NameFilter(values.include ?? [], values.exclude ?? []);
  requireBackend();
  const warnings = new Warnings(true);
  await checkSelection(filter, positionals.map((path) => ({ path })), (message) => warnings.add({ kind: 'unmatched-glob', message }));
  const context: InspectContext = { settings, select: (name) => filter.selects(name), pool: new BufferPool(4) };
  const failures: Failure[] = [];
  const files: Record<string, unknown>[] = [];
  for (const path of positionals) {
    try {
      if (await isGgufPath(path)) {
        if (settings !== undefined) fail('USAGE', "quantization options do not apply to GGUF files (their tensors are GGML blocks; 'quant gguf' re-quantizes them)", { file: path });
        const g = await inspectGguf(path);
        if (values.json) files.push({ file: path, ...ggufInspectionJson(g) });
        else process.stdout.write(`${positionals.length > 1 ? `${visible(path)}\n` : ''}${renderGgufInspection(g)}\n${positionals.length > 1 ? '\n' : ''}`);
        continue;
      }
      const rows = await inspectFile(path, context);
      for (const r of rows) if (r.overflow !== undefined) warnings.add({ kind: 'range-overflow', file: path, tensor: r.name, message: r.overflow });
      if (values.json) files.push({ file: path, tensors: rows.map(inspectRowJson) });
      else {
        const several = positionals.length > 1;
        process.stdout.write(`${several ? `${visible(path)}\n` : ''}${renderInspectTable(rows, settings !== undefined)}\n${several ? '\n' : ''}`);
      }
    } catch (e) {
      const failure = { file: path, error: toCliError(e, { file: path }) };
      failures.push(failure);
      reportFailure(failure);
    }
  }
  const exitStatus = exitStatusOf(failures, positionals.length);
  if (values.json) {
    process.stdout.write(`${jsonText({ command: 'inspect', ok: failures.length === 0, exitStatus, settings: settings ?? null, files, warnings: warnings.json(), failures: failures.map(failureJson) })}\n`);
  }
  return exitStatus;
}
