import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fail, toCliError, type ErrorLocation } from '../errors.js';
import type { FloatDtype } from '../formats/dtypes.js';
import { layoutSafetensors } from '../formats/safetensors-writer.js';
import { AtomicOutput } from '../io/atomic-output.js';
import { BufferPool } from '../io/buffer-pool.js';
import { bytesOf, writeAt, writePartsAt } from '../pipeline/write.js';
import { measureRanges, type DimensionRanges } from './dimension-ranges.js';
import { openEmbeddings, type EmbeddingTensor } from './embedding-tensor.js';
import type { EmbeddingSettings } from './embedding-settings.js';
import type { QuantizedEmbeddings } from './embeddings-lib.js';
import { embeddingsEntries, embeddingsMetadata, isScalarEmbeddings, rangesValues, type RangesFrom } from './embeddings-layout.js';
import { emptyValues, quantizeBatch } from './quantize-batch.js';
import { defaultBatchRows, forEachRowBatch } from './row-batches.js';
import { StepProgress } from './step-progress.js';

/*
 * `quant embeddings`: one 2-D float tensor to the layout of embeddings-layout.ts, a batch of rows at a time. int8/uint8
 * ranges are measured first (a streaming pass over --calibration or the input), then every batch is quantized with
 * them as `ranges`: the codes equal quantizeEmbeddings of the whole tensor with `calibration`, or with nothing.
 */

export interface EmbeddingsJob {
  readonly input: string;
  readonly output: string;
  readonly calibration: string | undefined;
  readonly tensor: string | undefined;
  readonly settings: EmbeddingSettings;
  readonly batchRows: number | undefined;
  readonly force: boolean;
  readonly quiet: boolean;
}

export interface EmbeddingsJobResult {
  readonly input: string;
  readonly output: string;
  readonly tensor: string;
  readonly dtype: FloatDtype;
  readonly rows: number;
  readonly dim: number;
  /** The settings in effect, the library's defaults included. */
  readonly settings: EmbeddingSettings;
  readonly bytesPerRow: number;
  readonly rangesFrom: RangesFrom | null;
  readonly outputBytes: number;
}

/** Runs a library call, reporting its QuantError (with the library's code) at `where`. */
function atLocation<T>(where: ErrorLocation, call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw toCliError(e, where);
  }
}

interface Measured {
  readonly ranges: DimensionRanges;
  readonly from: RangesFrom;
  readonly where: ErrorLocation;
}

/** int8/uint8: the per-dimension min/max of the --calibration rows (its tensor named --tensor, if it has one). */
async function calibrationRanges(job: EmbeddingsJob, calibration: string, t: EmbeddingTensor, pool: BufferPool): Promise<Measured> {
  const { fh, t: c } = await openEmbeddings(calibration, job.tensor, 'if-present');
  const where = { file: calibration, tensor: c.source.name };
  try {
    if (c.dim !== t.dim) fail('SHAPE_MISMATCH', `the calibration rows have dim ${c.dim}; the embeddings have dim ${t.dim}`, where);
    // No rows: the library's own refusal, as for the whole (empty) calibration batch.
    if (c.rows === 0) atLocation(where, () => quantizeBatch(emptyValues(t.dtype), t.dim, job.settings, { calibration: new Float32Array(0) }));
    const progress = StepProgress.forStderr(job.quiet, 'calibration rows', c.rows);
    const ranges = await measureRanges(fh, c, defaultBatchRows(c), pool, (n) => progress.advance(n));
    progress.finish();
    return { ranges, from: 'calibration', where };
  } finally {
    await fh.close();
  }
}

/** int8/uint8 without --calibration: the input's own min/max, in a first pass over its rows. */
async function inputRanges(job: EmbeddingsJob, fh: FileHandle, t: EmbeddingTensor, pool: BufferPool, batchRows: number): Promise<Measured> {
  const where = { file: job.input, tensor: t.source.name };
  // No rows: the library's own refusal (an empty batch has no ranges of its own).
  if (t.rows === 0) atLocation(where, () => quantizeBatch(emptyValues(t.dtype), t.dim, job.settings));
  const progress = StepProgress.forStderr(job.quiet, 'ranges: rows', t.rows);
  const ranges = await measureRanges(fh, t, batchRows, pool, (n) => progress.advance(n));
  progress.finish();
  return { ranges, from: 'embeddings', where };
}

function checkNotAnInput(job: EmbeddingsJob): void {
  const output = resolve(job.output);
  for (const input of [job.input, job.calibration]) {
    if (input !== undefined && resolve(input) === output) fail('OUTPUT_IS_INPUT', 'is also an input; inputs are never modified (choose another output)', { file: job.output });
  }
}

/** int8/uint8: the ranges every batch is quantized with; binary/ubinary: none. */
async function measuredRanges(job: EmbeddingsJob, fh: FileHandle, t: EmbeddingTensor, pool: BufferPool, batchRows: number): Promise<Measured | undefined> {
  if (job.settings.precision !== 'int8' && job.settings.precision !== 'uint8') return undefined;
  if (job.calibration !== undefined) return calibrationRanges(job, job.calibration, t, pool);
  return inputRanges(job, fh, t, pool, batchRows);
}

function settingsInEffect(q: QuantizedEmbeddings): EmbeddingSettings {
  if (!isScalarEmbeddings(q)) return { precision: q.precision, bitOrder: q.bitOrder, threshold: q.threshold };
  return { precision: q.precision, ...(q.int8Rounding !== undefined ? { int8Rounding: q.int8Rounding } : {}) };
}

/** The second pass: every batch of rows quantized into a pooled buffer and written at its place among the codes. */
async function writeCodes(job: EmbeddingsJob, fh: FileHandle, t: EmbeddingTensor, q: QuantizedEmbeddings, out: AtomicOutput, codesAt: number, batchRows: number, pool: BufferPool): Promise<void> {
  const where = { file: job.input, tensor: t.source.name };
  const ranges = isScalarEmbeddings(q) ? { min: q.min, max: q.max } : undefined;
  const progress = StepProgress.forStderr(job.quiet, 'codes: rows', t.rows);
  await forEachRowBatch(fh, t, batchRows, pool, async (values, first, count) => {
    const bytes = count * q.bytesPerRow;
    const buffer = pool.acquire(bytes);
    try {
      const codes = q.data instanceof Int8Array ? new Int8Array(buffer, 0, bytes) : new Uint8Array(buffer, 0, bytes);
      atLocation(where, () => quantizeBatch(values, t.dim, job.settings, { ranges, out: codes }));
      await writeAt(out.fh, bytesOf(codes), codesAt + first * q.bytesPerRow);
      out.wrote(bytes);
    } finally {
      pool.release(buffer);
    }
    progress.advance(count);
  });
  progress.finish();
}

export async function quantizeEmbeddingsFile(job: EmbeddingsJob): Promise<EmbeddingsJobResult> {
  checkNotAnInput(job);
  const { fh, t } = await openEmbeddings(job.input, job.tensor, 'required');
  const where = { file: job.input, tensor: t.source.name };
  const pool = new BufferPool(2);
  let out: AtomicOutput | undefined;
  try {
    // The library's rule for dim (1..65536), checked before the output is created or a long pass starts.
    atLocation(where, () => quantizeBatch(emptyValues(t.dtype), t.dim, { precision: 'ubinary' }));
    const batchRows = job.batchRows ?? defaultBatchRows(t);
    out = await AtomicOutput.create(job.output, job.force);
    const measured = await measuredRanges(job, fh, t, pool, batchRows);
    // A batch of no rows gives the settings in effect and, for int8/uint8, the working ranges and steps.
    const q = atLocation(measured?.where ?? where, () => quantizeBatch(emptyValues(t.dtype), t.dim, job.settings, { ranges: measured?.ranges }));
    const entries = embeddingsEntries(q, t.rows);
    const header = layoutSafetensors(entries, embeddingsMetadata(q, t.dtype, measured?.from ?? 'embeddings'));
    await writePartsAt(out.fh, [header.bytes, ...(isScalarEmbeddings(q) ? [bytesOf(rangesValues(q)), bytesOf(q.steps)] : [])], 0);
    await writeCodes(job, fh, t, q, out, header.offsets[entries.length - 1]!, batchRows, pool);
    await out.commit();
    return {
      input: job.input,
      output: job.output,
      tensor: t.source.name,
      dtype: t.dtype,
      rows: t.rows,
      dim: t.dim,
      settings: settingsInEffect(q),
      bytesPerRow: q.bytesPerRow,
      rangesFrom: measured?.from ?? null,
      outputBytes: header.fileSize,
    };
  } catch (e) {
    await out?.discard();
    // Reads and library calls report their own location; what is left is writing the output.
    throw toCliError(e, { file: job.output });
  } finally {
    await fh.close();
  }
}
