import { GGUF_MAGIC, GGUF_VERSION } from '../format/limits.js';
import type { GgufMetadata } from '../format/metadata-values.js';
import { ByteBuilder } from './byte-builder.js';
import { encodeMetadata } from './encode-metadata.js';
import { alignTo, type PlannedTensor } from './plan-layout.js';

/** The whole header of a GGUF v3 file, padded with zeros to the alignment: the data section starts right after it. */
export function encodeHeader(metadata: GgufMetadata, tensors: readonly PlannedTensor[], alignment: number): Uint8Array {
  const out = new ByteBuilder();
  out.bytes(Buffer.from(GGUF_MAGIC, 'latin1'));
  out.u32(GGUF_VERSION);
  out.u64(tensors.length);
  out.u64(metadata.size);
  encodeMetadata(out, metadata);
  for (const t of tensors) {
    out.string(t.name);
    out.u32(t.shape.length);
    for (const d of t.shape) out.u64(d);
    out.u32(t.typeId);
    out.u64(t.offset);
  }
  out.zeros(alignTo(out.length, alignment) - out.length);
  return out.result();
}
