import { fail } from '../errors.js';
import { ggmlTensorBytes, ggmlTypeInfo, ggmlTypeName } from '../format/ggml-types.js';
import { DEFAULT_ALIGNMENT, MAX_DIMS, MAX_TENSOR_NAME_BYTES } from '../format/limits.js';
import type { GgufMetadata } from '../format/metadata-values.js';

/** A tensor to write: its info, and how many bytes of data it has. */
export interface GgufTensorSpec {
  readonly name: string;
  /** ggml's ne order: shape[0] is the row length. */
  readonly shape: readonly number[];
  readonly typeId: number;
  /** Bytes of data. For a known type it must be ggml_nbytes(shape, type); an unknown type's bytes are taken as given. */
  readonly byteLength: number;
}

export interface PlannedTensor extends GgufTensorSpec {
  /** Offset from the start of the data section: the previous tensor's end, padded to the alignment. */
  readonly offset: number;
}

export function alignTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** `general.alignment` of metadata about to be written (E_GGUF_ALIGNMENT unless a u32 power of 2), or 32. */
export function writeAlignment(metadata: GgufMetadata): number {
  const entry = metadata.get('general.alignment');
  if (entry === undefined) return DEFAULT_ALIGNMENT;
  if (entry.type !== 'uint32' || entry.value <= 0 || (entry.value & (entry.value - 1)) !== 0) {
    fail('E_GGUF_ALIGNMENT', `general.alignment must be a uint32 power of 2, got ${entry.type} ${String(entry.value)}`);
  }
  return entry.value;
}

function checkSpec(t: GgufTensorSpec, seen: Set<string>): void {
  const where = { tensor: t.name };
  if (Buffer.byteLength(t.name) > MAX_TENSOR_NAME_BYTES) fail('E_GGUF_LIMIT', `tensor names are at most ${MAX_TENSOR_NAME_BYTES} bytes`, where);
  if (seen.has(t.name)) fail('E_GGUF_DUPLICATE', 'two tensors have this name', where);
  seen.add(t.name);
  if (t.shape.length > MAX_DIMS) fail('E_GGUF_SHAPE', `has ${t.shape.length} dimensions; ggml allows at most ${MAX_DIMS}`, where);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail('E_GGUF_SHAPE', `shape [${t.shape.join(', ')}] is not a list of non-negative integers`, where);
  const type = ggmlTypeInfo(t.typeId);
  if (type === undefined) return;
  const elements = t.shape.reduce((a, b) => a * b, 1);
  if ((t.shape[0] ?? 1) % type.blockSize !== 0) fail('E_GGUF_SHAPE', `rows of ${t.shape[0] ?? 1} elements are not whole ${type.name} blocks of ${type.blockSize}`, where);
  const expected = ggmlTensorBytes(type, elements);
  if (t.byteLength !== expected) fail('E_GGUF_SHAPE', `${ggmlTypeName(t.typeId)} [${t.shape.join(', ')}] takes ${expected} bytes, not ${t.byteLength}`, where);
}

/** The tensors packed in order, each at an aligned offset (as ggml lays them out); their specs checked. */
export function planLayout(tensors: readonly GgufTensorSpec[], alignment: number): PlannedTensor[] {
  const seen = new Set<string>();
  let offset = 0;
  return tensors.map((t) => {
    checkSpec(t, seen);
    const planned = { ...t, offset };
    offset = alignTo(offset + t.byteLength, alignment);
    return planned;
  });
}
