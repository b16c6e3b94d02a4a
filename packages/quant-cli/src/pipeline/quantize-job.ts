import { setTimeout as sleep } from 'node:timers/promises';
import { fail, toCliError } from '../errors.js';
import { quantizeTensor } from '../engine.js';
import { codeArrayOf, DTYPE_SIZES, isFloatDtype, zeroPointDtypeFor, type CodeDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import {
  entriesOf,
  FORMAT_ID,
  FORMAT_KEY,
  recordFor,
  scaleDtypeFor,
  TENSOR_KEY_PREFIX,
  VERSION_KEY,
  type EntryShape,
  type QuantizedRecord,
  type QuantSettings,
} from '../formats/quantized-format.js';
import { readRowMajor, readValues } from '../formats/read-tensor.js';
import { storedScales } from '../formats/scale-tensor.js';
import { layoutSafetensors, type HeaderLayout } from '../formats/safetensors-writer.js';
import { isRowMajorLittleEndian, type InputFile, type TensorSource } from '../formats/tensor-source.js';
import { halfTypeOf, type TensorValues } from '../formats/tensor-values.js';
import { AtomicOutput } from '../io/atomic-output.js';
import type { BufferPool } from '../io/buffer-pool.js';
import { parseCalibration, VERSION, type QuantizedTensor, type QuantizeOptions } from '../lib.js';
import type { Progress } from '../progress.js';
import { InputHandles } from './file-handles.js';
import { runOrdered } from './ordered.js';
import { bytesOf, copyRange, writeAt, writePartsAt } from './write.js';

/** One input file of a job and the name its tensor gets when it is a .npy file. */
export interface JobInput {
  readonly path: string;
  readonly npyName: string;
}

/** One output file and the inputs whose tensors it holds. */
export interface QuantizeJob {
  readonly output: string;
  readonly inputs: readonly JobInput[];
}

export interface JobContext {
  readonly settings: QuantSettings;
  /** Per-tensor settings (quant quantize --plan); `settings` for the tensors it does not name. */
  readonly settingsFor?: (name: string) => QuantSettings | undefined;
  readonly select: (name: string) => boolean;
  readonly threads: number;
  readonly force: boolean;
  readonly pool: BufferPool;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  /** Test hook (QUANT_CLI_TEST_DELAY_MS): a pause after each tensor is written, so a test can interrupt mid-file. */
  readonly delayMs: number;
  /** Called with each quantized tensor (quantize warns when its grid overflows the dtype, range-overflow.ts). */
  readonly onQuantized?: (where: { readonly file: string; readonly tensor: string }, x: TensorValues, qt: QuantizedTensor, record: QuantizedRecord) => void;
}

export type Item =
  | { readonly kind: 'quantize'; readonly source: TensorSource; readonly name: string; readonly record: QuantizedRecord; readonly entries: readonly EntryShape[]; readonly first: number }
  | { readonly kind: 'copy'; readonly source: TensorSource; readonly name: string; readonly entries: readonly EntryShape[]; readonly first: number };

export interface JobResult {
  readonly output: string;
  readonly inputs: readonly string[];
  readonly quantized: number;
  readonly copied: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly seconds: number;
}

export async function readInputs(job: QuantizeJob): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for (const input of job.inputs) {
    const { fh, input: parsed } = await openInput(input.path, input.npyName);
    await fh.close();
    if (parsed.metadata?.[FORMAT_KEY] !== undefined) {
      fail('ALREADY_QUANTIZED', `is already a quantized file (${parsed.metadata[FORMAT_KEY]}); dequantize it first`, { file: input.path });
    }
    files.push(parsed);
  }
  return files;
}

/** Decides, for every tensor, whether it is quantized or copied, and where each output entry goes. */
export function planItems(files: readonly InputFile[], ctx: Pick<JobContext, 'settings' | 'settingsFor' | 'select'>): { items: Item[]; entries: EntryShape[]; records: Map<string, QuantizedRecord> } {
  const items: Item[] = [];
  const entries: EntryShape[] = [];
  const records = new Map<string, QuantizedRecord>();
  for (const file of files) {
    for (const source of file.tensors) {
      const name = source.name;
      const first = entries.length;
      if (isFloatDtype(source.dtype) && ctx.select(name)) {
        let record: QuantizedRecord;
        try {
          record = recordFor(name, source.dtype, source.shape, ctx.settingsFor?.(name) ?? ctx.settings);
        } catch (e) {
          throw toCliError(e, { file: file.path, tensor: name });
        }
        const es = entriesOf(name, record);
        records.set(name, record);
        entries.push(...es);
        items.push({ kind: 'quantize', source, name, record, entries: es, first });
      } else {
        const e: EntryShape = { name, dtype: source.dtype, shape: source.shape, byteLength: source.byteLength };
        entries.push(e);
        items.push({ kind: 'copy', source, name, entries: [e], first });
      }
    }
  }
  return { items, entries, records };
}

export function metadataFor(files: readonly InputFile[], records: ReadonlyMap<string, QuantizedRecord>): Record<string, string> {
  // The input's own metadata is kept when the output comes from one safetensors file (bundles would have to merge).
  const inherited = files.length === 1 && files[0]!.metadata ? files[0]!.metadata : {};
  const metadata: Record<string, string> = { ...inherited, [FORMAT_KEY]: FORMAT_ID, [VERSION_KEY]: VERSION };
  for (const [name, record] of records) metadata[TENSOR_KEY_PREFIX + name] = JSON.stringify(record);
  return metadata;
}

export function layoutOrFail(entries: readonly EntryShape[], metadata: Record<string, string>, output: string): HeaderLayout {
  try {
    return layoutSafetensors(entries, metadata);
  } catch (e) {
    throw toCliError(e, { file: output });
  }
}

/** The library's options for a record; F16 / BF16 tensors are passed as their bits, so they name their half type. */
export function libraryOptions(r: QuantizedRecord): QuantizeOptions {
  const granularity = r.granularity === 'tensor' ? 'tensor' : r.granularity === 'channel' ? { axis: r.axis! } : { axis: r.axis!, blockSize: r.block_size! };
  // minmax is the library's default range, measured by the backend (off the main thread with the async API); the
  // other calibrators go through `range`.
  const range = r.calibration === undefined || r.calibration === 'minmax' ? undefined : parseCalibration(r.calibration);
  const half = halfTypeOf(r.dtype);
  return {
    scheme: r.scheme,
    bits: r.bits,
    granularity,
    shape: r.shape,
    profile: r.profile,
    packed: r.packed,
    narrowRange: r.narrow_range,
    ...(range ? { range } : {}),
    ...(half ? { dtype: half } : {}),
  };
}

/** The bytes of the three entries of a quantized tensor, checked against the sizes promised in the header. */
export function quantizedBytes(qt: QuantizedTensor, item: Extract<Item, { kind: 'quantize' }>): Uint8Array[] {
  const r = item.record;
  const scale = storedScales(qt.scale, scaleDtypeFor(r.dtype));
  const zpDtype = zeroPointDtypeFor(r.scheme, r.bits);
  const zpValues = typeof qt.zeroPoint === 'number' ? [qt.zeroPoint] : qt.zeroPoint;
  const zp = codeArrayOf(zpDtype, new Uint8Array(zpValues.length * DTYPE_SIZES[zpDtype]!));
  zp.set(zpValues);
  const parts = [bytesOf(qt.data), bytesOf(scale), bytesOf(zp)];
  parts.forEach((p, k) => {
    if (p.byteLength !== item.entries[k]!.byteLength) {
      throw new Error(`internal error: the library returned ${p.byteLength} bytes for '${item.entries[k]!.name}', the header promised ${item.entries[k]!.byteLength}`);
    }
  });
  return parts;
}

/** Pass-through tensors up to this size are read ahead in parallel; larger ones are copied in chunks. */
const READ_AHEAD_LIMIT = 64 << 20;

type Prepared = { readonly parts: Uint8Array[] | undefined; release(): void };

/** Quantizes the tensors of a job's inputs into one safetensors file, written atomically. */
export async function runQuantizeJob(job: QuantizeJob, ctx: JobContext): Promise<JobResult> {
  const started = Date.now();
  const files = await readInputs(job);
  const { items, entries, records } = planItems(files, ctx);
  const header = layoutOrFail(entries, metadataFor(files, records), job.output);
  ctx.progress.addWork(items.length, items.reduce((s, i) => s + i.source.byteLength, 0));

  const out = await AtomicOutput.create(job.output, ctx.force);
  const handles = new InputHandles(items.map((i) => i.source.file));
  // Aborted on an interrupt, and when this job fails: quantizations still in flight then stop early.
  const failed = new AbortController();
  const signal = AbortSignal.any([ctx.signal, failed.signal]);
  try {
    await writeAt(out.fh, header.bytes, 0);

    const prepare = async (item: Item): Promise<Prepared> => {
      const where = { file: item.source.file, tensor: item.name };
      try {
        const fh = await handles.get(item.source.file);
        if (item.kind === 'copy') {
          // Large row-major tensors are streamed when written; smaller ones are read ahead like the others.
          if (isRowMajorLittleEndian(item.source) && item.source.byteLength > READ_AHEAD_LIMIT) return { parts: undefined, release: () => {} };
          const raw = await readRowMajor(fh, item.source, ctx.pool);
          return { parts: [raw.data], release: raw.release };
        }
        // F16 / BF16 tensors stay bits: the library quantizes them as they are (half scales), no float32 copy.
        const x = await readValues(fh, item.source, ctx.pool);
        // The codes go straight into a pooled buffer: a fresh array per tensor would cost more in page faults than
        // the quantization itself.
        const codes = item.entries[0]!;
        const codesBuffer = ctx.pool.acquire(codes.byteLength);
        const release = (): void => ctx.pool.release(codesBuffer);
        let qt: QuantizedTensor;
        try {
          const out = codeArrayOf(codes.dtype as CodeDtype, new Uint8Array(codesBuffer, 0, codes.byteLength));
          qt = await quantizeTensor(x.data, { ...libraryOptions(item.record), out }, signal);
          ctx.onQuantized?.(where, x, qt, item.record);
        } catch (e) {
          release();
          throw e;
        } finally {
          x.release();
        }
        return { parts: quantizedBytes(qt, item), release };
      } catch (e) {
        throw toCliError(e, where);
      }
    };

    const consume = async (prepared: Prepared, item: Item): Promise<void> => {
      const position = header.offsets[item.first]!;
      try {
        if (prepared.parts === undefined) {
          const fh = await handles.get(item.source.file);
          await copyRange(fh, item.source.offset, item.source.byteLength, out.fh, position, ctx.pool, item.source.file, item.name);
        } else await writePartsAt(out.fh, prepared.parts, position);
      } catch (e) {
        throw toCliError(e, { file: job.output, tensor: item.name });
      }
      out.wrote(item.entries.reduce((s, e) => s + e.byteLength, 0));
      await handles.done(item.source.file);
      ctx.progress.tensorDone(item.source.byteLength);
      if (ctx.delayMs > 0) await sleep(ctx.delayMs);
    };

    await runOrdered(items, ctx.threads, prepare, consume, (p) => p.release());
    await out.commit();
  } catch (e) {
    failed.abort();
    await out.discard();
    throw e;
  } finally {
    await handles.closeAll();
  }
  ctx.progress.fileDone();
  return {
    output: job.output,
    inputs: job.inputs.map((i) => i.path),
    quantized: records.size,
    copied: items.length - records.size,
    inputBytes: files.reduce((s, f) => s + f.size, 0),
    outputBytes: header.fileSize,
    seconds: (Date.now() - started) / 1000,
  };
}
