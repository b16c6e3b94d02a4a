import { openSync, readSync, closeSync } from 'node:fs';
import { gguf } from '@huggingface/gguf';
import { GGML_FORMATS, narrowToHalf, quantizeBlocks, type GgmlFormat } from '@quantkit/quant';
import { expect } from 'vitest';
import type { TinyModel } from './tiny-model.js';

const FORMAT_BY_ID = new Map((Object.keys(GGML_FORMATS) as GgmlFormat[]).map((f) => [GGML_FORMATS[f].ggmlType, f]));

function readBytes(path: string, position: number, length: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) done += readSync(fd, out, done, length - done, position + done);
    return out;
  } finally {
    closeSync(fd);
  }
}

/** F16 (1) or BF16 (30) bytes of float32 values, rounded to nearest even. */
function halfBytes(values: Float32Array, type: number): Uint8Array {
  if (type !== 1 && type !== 30) throw new Error(`no expectation for type ${type}`);
  const out = new Uint16Array(values.length);
  narrowToHalf(Float64Array.from(values), type === 1 ? 'float16' : 'bfloat16', out);
  return new Uint8Array(out.buffer);
}

/**
 * Reads `path` with @huggingface/gguf and checks it against the model it was made from: metadata copied (with the file
 * type and quantization version set), tensors in the same order with the same shapes, offsets packed at the alignment,
 * and every tensor's bytes equal to quantizeBlocks of the source values (or the source bytes, for copied tensors).
 * Returns each tensor's ggml type name as @huggingface/gguf reads it.
 */
export async function checkRequantized(path: string, model: TinyModel, fileType: number): Promise<Record<string, number>> {
  const hf = await gguf(path, { allowLocalFile: true, typedMetadata: true });
  const meta = hf.typedMetadata as Record<string, { value: unknown; type: number }>;
  expect(meta['general.file_type']).toEqual({ value: fileType, type: 4 });
  expect(meta['general.quantization_version']).toEqual({ value: 2, type: 4 });
  for (const [key, v] of model.metadata) {
    if (key === 'general.file_type') continue;
    expect(meta[key]!.value, key).toEqual(v.type === 'array' ? v.value.items : v.value);
  }
  const keys = Object.keys(hf.metadata).filter((k) => !['version', 'tensor_count', 'kv_count'].includes(k));
  expect(keys.slice(-2)).toEqual(['general.quantization_version', 'general.file_type']);
  expect(hf.tensorInfos.map((t) => t.name)).toEqual(model.tensors.map((t) => t.name));
  const alignment = Number(meta['general.alignment']?.value ?? 32);
  expect(Number(hf.tensorDataOffset) % alignment).toBe(0);
  const types: Record<string, number> = {};
  let expectedOffset = 0;
  for (const [i, t] of hf.tensorInfos.entries()) {
    const src = model.tensors[i]!;
    expect(t.shape.map(Number)).toEqual(src.shape);
    expect(Number(t.offset)).toBe(expectedOffset);
    const type = Number(t.dtype);
    types[t.name] = type;
    const format = FORMAT_BY_ID.get(type);
    const expected = type === src.typeId ? src.data : format !== undefined ? quantizeBlocks(src.values, { format, shape: [src.values.length / src.shape[0]!, src.shape[0]!] }).data : halfBytes(src.values, type);
    const actual = readBytes(path, Number(hf.tensorDataOffset) + Number(t.offset), expected.length);
    expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected)), `${t.name} bytes`).toBe(0);
    expectedOffset = Math.ceil((expectedOffset + expected.length) / alignment) * alignment;
  }
  return types;
}
