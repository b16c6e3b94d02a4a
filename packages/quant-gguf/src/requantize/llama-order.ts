import { layerOf } from './model-params.js';

/**
 * llama_model_loader's weight_name_comparer: by layer ("blk.N.", -1 for the others), then by name (strcmp, i.e. UTF-8
 * bytes). llama-quantize visits tensors in this order, and its attn_v / ffn_down counters depend on it.
 */
export function llamaOrder<T extends { readonly name: string }>(tensors: readonly T[]): T[] {
  const keyed = tensors.map((t) => ({ t, layer: layerOf(t.name), bytes: Buffer.from(t.name, 'utf8') }));
  keyed.sort((a, b) => a.layer - b.layer || Buffer.compare(a.bytes, b.bytes));
  return keyed.map((k) => k.t);
}
