import { fail } from '../errors.js';
import {
  entriesOf,
  FORMAT_KEY,
  FORMAT_VERSION_PATTERN,
  formatIdOf,
  parseRecord,
  READABLE_FORMAT_VERSIONS,
  scaleDtypeFor,
  TENSOR_KEY_PREFIX,
  type EntryShape,
  type QuantizedRecord,
} from './quantized-format.js';
import type { InputFile, TensorSource } from './tensor-source.js';

/** A quantized tensor of a file: its record and the three tensors that hold it. */
export interface QuantizedEntry {
  readonly name: string;
  readonly record: QuantizedRecord;
  readonly codes: TensorSource;
  readonly scale: TensorSource;
  readonly zeroPoint: TensorSource;
}

/** A safetensors file read as quant's output format: its quantized tensors and everything else. */
export interface QuantizedFile {
  /** The layout version of its format marker (one of READABLE_FORMAT_VERSIONS). */
  readonly version: number;
  readonly quantized: ReadonlyMap<string, QuantizedEntry>;
  /** Tensors that are neither quantized codes nor their scales and zero points, in file order. */
  readonly plain: readonly TensorSource[];
  /** All tensors in file order, companions excluded: quantized codes and plain tensors. */
  readonly order: readonly TensorSource[];
}

const READABLE = READABLE_FORMAT_VERSIONS.map((v) => `'${formatIdOf(v)}'`).join(', ');

/** The layout version a format marker names, when this quant reads it. */
function readableVersion(format: string): number | undefined {
  const version = Number(FORMAT_VERSION_PATTERN.exec(format)?.[1]);
  return READABLE_FORMAT_VERSIONS.includes(version) && format === formatIdOf(version) ? version : undefined;
}

/** Why a file with another format marker is not read: a newer (or older) version of this format, or something else. */
function describeOtherFormat(format: string): string {
  const version = FORMAT_VERSION_PATTERN.exec(format)?.[1];
  if (version !== undefined) {
    return `is format version ${version} ('${format}'); this quant reads versions ${READABLE_FORMAT_VERSIONS.join(' and ')} (${READABLE}) only (a newer quant may read it)`;
  }
  return `has the format marker '${format}'; this quant reads ${READABLE} only`;
}

/** Why a scale tensor's dtype is wrong: the rule of the file's version for the original's dtype. */
function describeScaleDtype(found: string, expected: EntryShape, record: QuantizedRecord, version: number): string {
  const half = record.dtype === 'F16' || record.dtype === 'BF16';
  const rule = half ? ` (format version 1 stores the scales of ${record.dtype} tensors as ${scaleDtypeFor(record.dtype, 1)}, version 2 as ${scaleDtypeFor(record.dtype, 2)})` : '';
  return `'${expected.name}' is ${found} but the scales of ${record.dtype} tensors are ${expected.dtype} in format version ${version}${rule}`;
}

export function isQuantizedFile(input: InputFile): boolean {
  return input.metadata?.[FORMAT_KEY] !== undefined;
}

/**
 * Reads the quantkit metadata of a file and checks every quantized tensor against it: the codes, scale and zero point
 * tensors must exist with exactly the dtypes and shapes the record implies.
 */
export function readQuantizedFile(input: InputFile): QuantizedFile {
  const file = input.path;
  const format = input.metadata?.[FORMAT_KEY];
  if (format === undefined) fail('NOT_QUANTIZED', `has no '${FORMAT_KEY}' metadata: it is not a file written by 'quant quantize'`, { file });
  const version = readableVersion(format);
  if (version === undefined) fail('FORMAT_VERSION', describeOtherFormat(format), { file });
  const byName = new Map(input.tensors.map((t) => [t.name, t]));
  const quantized = new Map<string, QuantizedEntry>();
  const companions = new Set<string>();
  for (const [key, value] of Object.entries(input.metadata!)) {
    if (!key.startsWith(TENSOR_KEY_PREFIX)) continue;
    const name = key.slice(TENSOR_KEY_PREFIX.length);
    const record = parseRecord(value, file, name);
    const expected = entriesOf(name, record, version);
    const found = expected.map((e, k) => {
      const t = byName.get(e.name);
      if (t === undefined) fail('HEADER', `the metadata describes it but the file has no tensor '${e.name}'`, { file, tensor: name });
      if (k === 1 && t.dtype !== e.dtype) fail('SCALE_DTYPE', describeScaleDtype(t.dtype, e, record, version), { file, tensor: name });
      if (t.dtype !== e.dtype) {
        fail('DTYPE_MISMATCH', `'${e.name}' is ${t.dtype} but ${record.scheme} ${record.bits}-bit${record.packed ? ' packed' : ''} codes of a ${record.dtype} tensor need ${e.dtype}`, { file, tensor: name });
      }
      if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
        fail('SHAPE_MISMATCH', `'${e.name}' has shape [${t.shape.join(', ')}] but the metadata implies [${e.shape.join(', ')}]`, { file, tensor: name });
      }
      return t;
    });
    companions.add(record.scale).add(record.zero_point);
    quantized.set(name, { name, record, codes: found[0]!, scale: found[1]!, zeroPoint: found[2]! });
  }
  const order = input.tensors.filter((t) => !companions.has(t.name) || quantized.has(t.name));
  return { version, quantized, plain: order.filter((t) => !quantized.has(t.name)), order };
}
