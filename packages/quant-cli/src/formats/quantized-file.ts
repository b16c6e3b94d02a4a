import { fail } from '../errors.js';
import {
  entriesOf,
  FORMAT_ID,
  FORMAT_KEY,
  FORMAT_VERSION,
  FORMAT_VERSION_PATTERN,
  parseRecord,
  TENSOR_KEY_PREFIX,
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
  readonly quantized: ReadonlyMap<string, QuantizedEntry>;
  /** Tensors that are neither quantized codes nor their scales and zero points, in file order. */
  readonly plain: readonly TensorSource[];
  /** All tensors in file order, companions excluded: quantized codes and plain tensors. */
  readonly order: readonly TensorSource[];
}

/** Why a file with another format marker is not read: a newer (or older) version of this format, or something else. */
function describeOtherFormat(format: string): string {
  const version = FORMAT_VERSION_PATTERN.exec(format)?.[1];
  if (version !== undefined) {
    return `is format version ${version} ('${format}'); this quant reads version ${FORMAT_VERSION} ('${FORMAT_ID}') only (a newer quant may read it)`;
  }
  return `has the format marker '${format}'; this quant reads '${FORMAT_ID}' only`;
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
  if (format !== FORMAT_ID) fail('FORMAT_VERSION', describeOtherFormat(format), { file });
  const byName = new Map(input.tensors.map((t) => [t.name, t]));
  const quantized = new Map<string, QuantizedEntry>();
  const companions = new Set<string>();
  for (const [key, value] of Object.entries(input.metadata!)) {
    if (!key.startsWith(TENSOR_KEY_PREFIX)) continue;
    const name = key.slice(TENSOR_KEY_PREFIX.length);
    const record = parseRecord(value, file, name);
    const expected = entriesOf(name, record);
    const found = expected.map((e) => {
      const t = byName.get(e.name);
      if (t === undefined) fail('HEADER', `the metadata describes it but the file has no tensor '${e.name}'`, { file, tensor: name });
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
  return { quantized, plain: order.filter((t) => !quantized.has(t.name)), order };
}
