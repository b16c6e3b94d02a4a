import { resolve } from 'node:path';
import { checkStoredCodes } from '../code-range.js';
import { ExitStatus, fail, toCliError } from '../errors.js';
import { dequantizeTensor } from '../engine.js';
import { DTYPE_SIZES } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { readQuantizedFile, type QuantizedEntry } from '../formats/quantized-file.js';
import type { EntryShape } from '../formats/quantized-format.js';
import { layoutSafetensors } from '../formats/safetensors-writer.js';
import { elementCount, type TensorSource } from '../formats/tensor-source.js';
import { halfTypeOf } from '../formats/tensor-values.js';
import { AtomicOutput } from '../io/atomic-output.js';
import { BufferPool } from '../io/buffer-pool.js';
import { interruptSignal } from '../io/cleanup.js';
import { checkOutputExtension, SAFETENSORS_EXTENSIONS } from '../io/output-checks.js';
import { backendInfo, narrowToHalf, requireBackend } from '../lib.js';
import { parseCommandArgs, threadCount } from '../options.js';
import { InputHandles } from '../pipeline/file-handles.js';
import { loadQuantized } from '../pipeline/load-quantized.js';
import { runOrdered } from '../pipeline/ordered.js';
import { bytesOf, copyRange, writeAt } from '../pipeline/write.js';
import { formatBytes, Progress } from '../progress.js';
import { jsonText, visible } from '../safe-text.js';
import { failureJson, reportFailure, testDelayMs } from './failures.js';

export const DEQUANTIZE_HELP = `Usage: quant dequantize <file> -o <file> [options]

Turns a file written by 'quant quantize' back into float tensors: each quantized tensor becomes (q - zero_point) *
scale, bit for bit what the library's fakeQuantize gives for the original. Other tensors are copied. F32 and F64
tensors come back in their dtype; F16 and BF16 tensors come back as F32 (the dequantized values are float32 numbers
that F16/BF16 cannot all represent) unless --original-dtype or --dtype asks for a half type, whose values are the exact
products rounded once to it (round to nearest even).

Options:
  -o, --output FILE   the output safetensors file
  --dtype TYPE        write every dequantized tensor as f32, f64, f16 or bf16
  --original-dtype    write every dequantized tensor in its original dtype (F16/BF16 included)
  --force             overwrite an existing output
  --threads N         tensors processed at once (default: CPU count, at most 8)
  --json              print a machine-readable summary on stdout
  --quiet             print nothing but errors
  -h, --help          show this help`;

type Item = { readonly source: TensorSource; readonly quantized: QuantizedEntry | undefined; readonly entry: EntryShape; readonly index: number };

const OUTPUT_DTYPES: Readonly<Record<string, string>> = { f32: 'F32', f64: 'F64', f16: 'F16', bf16: 'BF16' };

function outputDtype(q: QuantizedEntry, originalDtype: boolean, dtype: string | undefined): string {
  if (dtype !== undefined) return dtype;
  const d = q.record.dtype;
  if (d === 'F64' || d === 'F32') return d;
  return originalDtype ? d : 'F32';
}

/** --dtype's value as a safetensors dtype, or undefined when not given. */
function parseDtype(value: string | undefined, originalDtype: boolean): string | undefined {
  if (value === undefined) return undefined;
  const d = OUTPUT_DTYPES[value.toLowerCase()];
  if (d === undefined) fail('USAGE', `--dtype must be f32, f64, f16 or bf16, got '${visible(value)}'`);
  if (originalDtype) fail('USAGE', '--dtype and --original-dtype cannot be combined');
  return d;
}

export async function dequantizeCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    'original-dtype': { type: 'boolean' },
    dtype: { type: 'string' },
    force: { type: 'boolean' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  }, 'dequantize');
  if (values.help) {
    process.stdout.write(`${DEQUANTIZE_HELP}\n`);
    return ExitStatus.OK;
  }
  if (positionals.length !== 1) fail('USAGE', `dequantize takes one input file, got ${positionals.length}\nRun 'quant dequantize --help' for usage.`);
  if (!values.output) fail('USAGE', "no output given (-o <file>)\nRun 'quant dequantize --help' for usage.");
  const input = positionals[0]!;
  const output = values.output;
  const threads = threadCount(values.threads);
  const originalDtype = values['original-dtype'] === true;
  const dtype = parseDtype(values.dtype, originalDtype);
  requireBackend();
  const progress = Progress.forStderr(values.quiet === true, 1, 0, 0);
  try {
    if (resolve(output) === resolve(input)) fail('OUTPUT_IS_INPUT', 'is also the input; inputs are never modified', { file: output });
    checkOutputExtension(output, SAFETENSORS_EXTENSIONS, 'a safetensors file');
    const result = await dequantizeFile(input, output, { threads, originalDtype, dtype, force: values.force === true, progress });
    progress.finish();
    if (values.json) {
      process.stdout.write(`${jsonText({ command: 'dequantize', ok: true, exitStatus: 0, backend: backendInfo(), ...result })}\n`);
    } else if (!values.quiet) {
      process.stdout.write(`${visible(input)} -> ${visible(output)}: ${result.dequantized} dequantized, ${result.copied} copied, ${formatBytes(result.outputBytes)}\n`);
      if (result.widened.length > 0 && dtype === undefined) {
        process.stderr.write(`note: ${result.widened.length} tensor(s) stored as F16/BF16 originally were written as F32 (exact); --original-dtype rounds them back\n`);
      }
    }
    return ExitStatus.OK;
  } catch (e) {
    const error = toCliError(e, { file: input });
    progress.finish();
    reportFailure({ file: input, error });
    if (values.json) process.stdout.write(`${jsonText({ command: 'dequantize', ok: false, exitStatus: error.exitStatus, failures: [failureJson({ file: input, error })] })}\n`);
    return error.exitStatus;
  }
}

interface DequantizeOptions {
  readonly threads: number;
  readonly originalDtype: boolean;
  /** --dtype: the safetensors dtype of every dequantized tensor. */
  readonly dtype: string | undefined;
  readonly force: boolean;
  readonly progress: Progress;
}

async function dequantizeFile(input: string, output: string, o: DequantizeOptions) {
  const { fh, input: parsed } = await openInput(input);
  await fh.close();
  const file = readQuantizedFile(parsed);
  const items: Item[] = file.order.map((source, index) => {
    const q = file.quantized.get(source.name);
    let entry: EntryShape = { name: source.name, dtype: source.dtype, shape: source.shape, byteLength: source.byteLength };
    if (q) {
      const dtype = outputDtype(q, o.originalDtype, o.dtype);
      entry = { name: q.name, dtype, shape: q.record.shape, byteLength: elementCount(q.record.shape) * DTYPE_SIZES[dtype]! };
    }
    return { source, quantized: q, entry, index };
  });
  const metadata = Object.fromEntries(Object.entries(parsed.metadata ?? {}).filter(([k]) => !k.startsWith('quantkit.')));
  const header = layoutSafetensors(items.map((i) => i.entry), metadata);
  const inputBytes = (i: Item): number => (i.quantized ? i.quantized.codes.byteLength + i.quantized.scale.byteLength + i.quantized.zeroPoint.byteLength : i.source.byteLength);
  o.progress.addWork(items.length, items.reduce((s, i) => s + inputBytes(i), 0));

  const pool = new BufferPool(Math.max(4, 2 * o.threads + 2));
  const handles = new InputHandles(items.map(() => input));
  const out = await AtomicOutput.create(output, o.force);
  const delayMs = testDelayMs();
  try {
    await writeAt(out.fh, header.bytes, 0);
    const prepare = async (item: Item): Promise<{ bytes: Uint8Array | undefined; release(): void }> => {
      try {
        const h = await handles.get(input);
        const q = item.quantized;
        if (q === undefined) return { bytes: undefined, release: () => {} };
        const loaded = await loadQuantized(h, q, pool);
        const n = elementCount(q.record.shape);
        // Half outputs round the exact float64 products once (no float32 step in between: that would round twice).
        const half = halfTypeOf(item.entry.dtype);
        const wide = half !== undefined || item.entry.dtype === 'F64';
        const buffer = pool.acquire(n * (wide ? 8 : 4));
        const target = wide ? new Float64Array(buffer, 0, n) : new Float32Array(buffer, 0, n);
        let values;
        try {
          checkStoredCodes(loaded.qt);
          values = await dequantizeTensor(loaded.qt, target, interruptSignal);
        } finally {
          loaded.release();
        }
        if (half) {
          const bits = new Uint16Array(n);
          narrowToHalf(values as Float64Array, half, bits);
          pool.release(buffer);
          return { bytes: bytesOf(bits), release: () => {} };
        }
        return { bytes: bytesOf(values), release: () => pool.release(buffer) };
      } catch (e) {
        throw toCliError(e, { file: input, tensor: item.entry.name });
      }
    };
    const consume = async (prepared: { bytes: Uint8Array | undefined }, item: Item): Promise<void> => {
      const position = header.offsets[item.index]!;
      try {
        // A quantized file is a safetensors file: its other tensors are already row-major little-endian.
        if (prepared.bytes) await writeAt(out.fh, prepared.bytes, position);
        else await copyRange(await handles.get(input), item.source.offset, item.source.byteLength, out.fh, position, pool, input, item.source.name);
      } catch (e) {
        throw toCliError(e, { file: output, tensor: item.entry.name });
      }
      out.wrote(prepared.bytes?.byteLength ?? item.source.byteLength);
      o.progress.tensorDone(inputBytes(item));
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    };
    await runOrdered(items, o.threads, prepare, consume, (p) => p.release());
    await out.commit();
  } catch (e) {
    await out.discard();
    throw e;
  } finally {
    await handles.closeAll();
  }
  o.progress.fileDone();
  const quantizedItems = items.filter((i) => i.quantized);
  return {
    input,
    output,
    dequantized: quantizedItems.length,
    copied: items.length - quantizedItems.length,
    outputBytes: header.fileSize,
    widened: quantizedItems.filter((i) => i.entry.dtype !== i.quantized!.record.dtype).map((i) => ({ tensor: i.entry.name, from: i.quantized!.record.dtype, to: i.entry.dtype })),
  };
}
