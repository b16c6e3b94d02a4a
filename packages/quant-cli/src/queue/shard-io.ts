import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileContext, GroupRange, PlannedFile, SplitPlan, Warning } from '@quantkit/quant-queue';
import { quantizeTensor } from '../engine.js';
import { fail, toCliError } from '../errors.js';
import { codeArrayOf, type CodeDtype } from '../formats/dtypes.js';
import { entriesOf } from '../formats/quantized-format.js';
import { readRowMajor, readValues } from '../formats/read-tensor.js';
import { elementCount, type TensorSource } from '../formats/tensor-source.js';
import { widenedValues } from '../formats/tensor-values.js';
import { BufferPool } from '../io/buffer-pool.js';
import { checkWritable } from '../io/output-checks.js';
import { testDelayMs } from '../commands/failures.js';
import { libraryOptions, quantizedBytes } from '../pipeline/quantize-job.js';
import { writeAt, writePartsAt } from '../pipeline/write.js';
import { findItem, layoutFile, rowsRecord, shardOffsets, type FileLayout, type QuantizeItem } from './split-layout.js';
import { asQuantizeOptions } from './queue-options.js';
import { rangeOverflowWarning } from './queue-warnings.js';

/*
 * The jobs of a split output file (docs/DISTRIBUTED.md): every writer opens the one temporary file beside the output
 * and writes its bytes at the offsets `quant quantize` would write them to, so the committed file is the same bytes.
 */

/** Rows [start, end) of a row-major little-endian tensor, as a source of their own. */
function rowsOf(src: TensorSource, start: number, end: number): TensorSource {
  const rowBytes = src.byteLength / src.shape[0]!;
  return { ...src, shape: [end - start, ...src.shape.slice(1)], offset: src.offset + start * rowBytes, byteLength: (end - start) * rowBytes };
}

async function withInput<T>(path: string, use: (fh: FileHandle) => Promise<T>): Promise<T> {
  const fh = await open(path, 'r').catch((e: unknown) => {
    throw toCliError(e, { file: path });
  });
  try {
    return await use(fh);
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Min / max per group of rows [start, end) for a granularity whose groups span rows: per tensor, or along axis > 0. */
export async function shardRange(file: PlannedFile, options: unknown, tensor: string, start: number, end: number): Promise<GroupRange> {
  const item = findItem(await layoutFile(file, asQuantizeOptions(options)), tensor);
  const r = item.record;
  const src = rowsOf(item.source, start, end);
  const pool = new BufferPool(1);
  return withInput(src.file, async (fh) => {
    const loaded = await readValues(fh, src, pool);
    const x = widenedValues(loaded);
    try {
      const shape = src.shape;
      const axis = r.granularity === 'tensor' ? -1 : r.axis!;
      const channels = axis < 0 ? 1 : shape[axis]!;
      const inner = axis < 0 ? x.data.length : elementCount(shape.slice(axis + 1));
      const min = new Array<number>(channels).fill(Infinity);
      const max = new Array<number>(channels).fill(-Infinity);
      // NaN fails both comparisons: ignored, as the library's minmax ignores it.
      for (let i = 0; i < x.data.length; i++) {
        const c = axis < 0 ? 0 : Math.floor(i / inner) % channels;
        const v = x.data[i]!;
        if (v < min[c]!) min[c] = v;
        if (v > max[c]!) max[c] = v;
      }
      return { min, max };
    } finally {
      x.release();
      loaded.release();
    }
  });
}

/**
 * The three entries' bytes of `item` (of its rows [start, end) when given), quantized as `quant quantize` does; the
 * range-overflow warning of those rows goes to `warnings`.
 */
async function quantizeRows(item: QuantizeItem, rows: readonly [number, number] | undefined, range: GroupRange | undefined, pool: BufferPool, signal: AbortSignal, warnings: Warning[]): Promise<Uint8Array[]> {
  const record = rows ? rowsRecord(item.record, rows[1] - rows[0]) : item.record;
  const entries = entriesOf(item.name, record);
  const src = rows ? rowsOf(item.source, rows[0], rows[1]) : item.source;
  return withInput(src.file, async (fh) => {
    const x = await readValues(fh, src, pool);
    try {
      const out = codeArrayOf(entries[0].dtype as CodeDtype, new Uint8Array(entries[0].byteLength));
      const explicit = range && (record.granularity === 'tensor' ? { min: range.min[0]!, max: range.max[0]! } : { min: Float64Array.from(range.min), max: Float64Array.from(range.max) });
      const qt = await quantizeTensor(x.data, { ...libraryOptions(record), out, ...(explicit ? { range: explicit } : {}) }, signal);
      const warning = rangeOverflowWarning({ file: item.source.file, tensor: item.name }, x, qt, record);
      if (warning) warnings.push(warning);
      return quantizedBytes(qt, { ...item, record, entries });
    } catch (e) {
      throw toCliError(e, { file: item.source.file, tensor: item.name });
    } finally {
      x.release();
    }
  });
}

/** Writes the header and every tensor that is not split into a new temporary file of the output's full size. */
export async function writeUnsplit(file: PlannedFile, options: unknown, split: SplitPlan, temporary: string, ctx: FileContext): Promise<Warning[]> {
  const warnings: Warning[] = [];
  const layout = await layoutFile(file, asQuantizeOptions(options));
  await checkWritable(file.output, ctx.force);
  const splitNames = new Set(split.tensors.map((t) => t.name));
  const pool = new BufferPool(2);
  await mkdir(dirname(file.output), { recursive: true }).catch((e: unknown) => {
    throw toCliError(e, { file: file.output });
  });
  const fh = await open(temporary, 'w', 0o644).catch((e: unknown) => {
    throw toCliError(e, { file: file.output });
  });
  try {
    await fh.truncate(layout.header.fileSize);
    await writeAt(fh, layout.header.bytes, 0);
    for (const item of layout.items) {
      ctx.signal.throwIfAborted();
      if (splitNames.has(item.name)) continue;
      const position = layout.header.offsets[item.first]!;
      if (item.kind === 'copy') {
        const raw = await withInput(item.source.file, (h) => readRowMajor(h, item.source, pool));
        await writeAt(fh, raw.data, position).finally(() => raw.release());
      } else {
        await writePartsAt(fh, await quantizeRows(item, undefined, undefined, pool, ctx.signal, warnings), position);
      }
    }
    await fh.close();
    return warnings;
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(temporary).catch(() => {});
    throw toCliError(e, { file: file.output });
  }
}

/** Quantizes rows [start, end) of a split tensor into the temporary file, at their offsets in the three entries. */
export async function writeShard(file: PlannedFile, options: unknown, tensor: string, start: number, end: number, range: GroupRange | undefined, temporary: string, ctx: FileContext): Promise<Warning[]> {
  const warnings: Warning[] = [];
  const layout: FileLayout = await layoutFile(file, asQuantizeOptions(options));
  const item = findItem(layout, tensor);
  const [codes, scale, zeroPoint] = await quantizeRows(item, [start, end], range, new BufferPool(1), ctx.signal, warnings);
  const at = layout.header.offsets;
  const [codesAt, scaleAt, zeroPointAt] = shardOffsets(item.record, start);
  const fh = await open(temporary, 'r+').catch((e: unknown) => {
    throw toCliError(e, { file: file.output });
  });
  try {
    await writeAt(fh, codes!, at[item.first]! + codesAt);
    // Merged ranges give every shard the whole tensor's parameters: the first shard writes them. Otherwise each
    // shard's groups are its own rows' and go at their place.
    if (range === undefined || start === 0) {
      await writeAt(fh, scale!, at[item.first + 1]! + (range === undefined ? scaleAt : 0));
      await writeAt(fh, zeroPoint!, at[item.first + 2]! + (range === undefined ? zeroPointAt : 0));
    }
  } finally {
    await fh.close().catch(() => {});
  }
  const delay = testDelayMs();
  if (delay > 0) await sleep(delay, undefined, { signal: ctx.signal });
  return warnings;
}

/**
 * The last job of a split output: checks the temporary file is the size and header the inputs give now, fsyncs it and
 * renames it over the output. Run again after a rename that was not recorded, it finds the output complete.
 */
export async function commitSplit(file: PlannedFile, options: unknown, split: SplitPlan, temporary: string, force: boolean): Promise<void> {
  const st = await stat(temporary).catch(() => undefined);
  if (st === undefined) {
    if ((await stat(file.output).catch(() => undefined))?.size === split.fileSize && force) return;
    fail('NOT_FOUND', `the temporary file of this split output is gone ('${temporary}'): was the run cancelled?`, { file: file.output });
  }
  if (st.size !== split.fileSize) fail('IO', `the temporary file is ${st.size} bytes, the layout says ${split.fileSize}`, { file: file.output });
  const layout = await layoutFile(file, asQuantizeOptions(options));
  const fh = await open(temporary, 'r+');
  try {
    const head = new Uint8Array(layout.header.bytes.length);
    await fh.read(head, 0, head.length, 0);
    if (layout.header.fileSize !== split.fileSize || Buffer.compare(head, layout.header.bytes) !== 0) {
      fail('IO', 'the inputs changed while the run was split into jobs (their layout no longer matches): submit it again', { file: file.output });
    }
    await fh.sync();
  } finally {
    await fh.close().catch(() => {});
  }
  await checkWritable(file.output, force);
  await rename(temporary, file.output).catch((e: unknown) => {
    throw toCliError(e, { file: file.output });
  });
  const dir = await open(dirname(file.output), 'r').catch(() => undefined);
  await dir?.sync().catch(() => {});
  await dir?.close().catch(() => {});
}
