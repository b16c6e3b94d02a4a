import { fail } from '../errors.js';
import { ggmlTypeInfo, ggmlTypeName, type GgmlTypeInfo } from '../format/ggml-types.js';
import { MAX_DIMS, MAX_SAFE, MAX_TENSOR_NAME_BYTES, MAX_TENSORS } from '../format/limits.js';
import type { ByteReader } from './byte-reader.js';
import { readString } from './read-string.js';

/** A tensor info as stored, before the data section is located. */
export interface RawTensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly typeId: number;
  readonly type: GgmlTypeInfo | undefined;
  readonly offset: bigint;
  readonly elements: number;
}

async function readShape(r: ByteReader, name: string, file: string): Promise<number[]> {
  const dims = await r.u32(`the dimension count of tensor '${name}'`);
  if (dims > MAX_DIMS) fail('E_GGUF_SHAPE', `has ${dims} dimensions; ggml allows at most ${MAX_DIMS}`, { file, tensor: name });
  const shape: number[] = [];
  let elements = 1;
  for (let d = 0; d < dims; d++) {
    const ne = await r.u64(`dimension ${d} of tensor '${name}'`);
    if (ne > BigInt(MAX_SAFE)) fail('E_GGUF_LIMIT', `dimension ${d} is ${ne}, above 2^53 - 1`, { file, tensor: name });
    shape.push(Number(ne));
    elements *= Number(ne);
  }
  if (elements > MAX_SAFE) fail('E_GGUF_LIMIT', `shape [${shape.join(', ')}] holds more than 2^53 - 1 elements`, { file, tensor: name });
  return shape;
}

/** The header's tensor_count tensor infos. Unknown types are E_GGUF_TYPE with `strict`, else kept as unknown. */
export async function readTensorInfos(r: ByteReader, count: bigint, file: string, strict: boolean): Promise<RawTensorInfo[]> {
  if (count > BigInt(MAX_TENSORS)) fail('E_GGUF_LIMIT', `the header claims ${count} tensors; at most ${MAX_TENSORS} are accepted`, { file });
  const n = Number(count);
  // name length 8 + n_dims 4 + type 4 + offset 8
  if (n * 24 > r.remaining) fail('E_GGUF_TRUNCATED', `the header claims ${n} tensors, more than the ${r.remaining} bytes left can hold`, { file });
  const seen = new Set<string>();
  const infos: RawTensorInfo[] = [];
  for (let i = 0; i < n; i++) {
    const name = await readString(r, `the name of tensor ${i}`, file);
    const nameBytes = Buffer.byteLength(name);
    if (nameBytes > MAX_TENSOR_NAME_BYTES) fail('E_GGUF_LIMIT', `the name is ${nameBytes} bytes long; ggml allows at most ${MAX_TENSOR_NAME_BYTES}`, { file, tensor: name });
    if (seen.has(name)) fail('E_GGUF_DUPLICATE', 'two tensors have this name', { file, tensor: name });
    seen.add(name);
    const shape = await readShape(r, name, file);
    const typeId = await r.u32(`the type of tensor '${name}'`);
    const type = ggmlTypeInfo(typeId);
    if (type === undefined && strict) fail('E_GGUF_TYPE', `has type id ${typeId}, which this reader does not know (strict)`, { file, tensor: name });
    if (type !== undefined && (shape[0] ?? 1) % type.blockSize !== 0) {
      fail('E_GGUF_SHAPE', `rows of ${shape[0] ?? 1} elements are not whole ${ggmlTypeName(typeId)} blocks of ${type.blockSize}`, { file, tensor: name });
    }
    const offset = await r.u64(`the offset of tensor '${name}'`);
    infos.push({ name, shape, typeId, type, offset, elements: shape.reduce((a, b) => a * b, 1) });
  }
  return infos;
}
