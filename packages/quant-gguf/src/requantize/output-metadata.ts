import { fail } from '../errors.js';
import { u32, type GgufMetadata } from '../format/metadata-values.js';
import { GGML_QNT_VERSION, type LlamaFtypeValue } from './llama-ftype.js';

const SPLIT_KEYS = ['split.no', 'split.count', 'split.tensors.count'];

/** A shard of a split model cannot be re-quantized alone: its output would claim to be the whole model. */
export function checkNotSplit(metadata: GgufMetadata, file: string): void {
  const count = metadata.get('split.count');
  if (count !== undefined && typeof count.value !== 'object' && Number(count.value) > 1) {
    fail('E_GGUF_METADATA', `this is one shard of a model split in ${String(count.value)} files (split.count): merge the shards first (llama-gguf-split --merge)`, { file });
  }
}

/**
 * The input's metadata as llama-quantize writes it: every entry copied in order, the split keys removed, then
 * general.quantization_version and general.file_type set (gguf_set_val removes a key and appends it, so both end last).
 */
export function outputMetadata(input: GgufMetadata, ftype: LlamaFtypeValue): GgufMetadata {
  const out: GgufMetadata = new Map(input);
  for (const key of [...SPLIT_KEYS, 'general.quantization_version', 'general.file_type']) out.delete(key);
  out.set('general.quantization_version', u32(GGML_QNT_VERSION));
  out.set('general.file_type', u32(ftype));
  return out;
}
