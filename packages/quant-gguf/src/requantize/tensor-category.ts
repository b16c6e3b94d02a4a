/*
 * How llama-quantize sorts tensors by name (tensor_get_category and tensor_allows_quantization of src/llama-quant.cpp
 * at ggml-org/llama.cpp 007dbbf3fd17eefe9b47fee45f48f7ba5e62b714): substring matches on the standard GGUF names.
 */

export type TensorCategory =
  | 'token_embd'
  | 'attn_q'
  | 'attn_v'
  | 'attn_k'
  | 'attn_qkv'
  | 'attn_kv_b'
  | 'attn_output'
  | 'ffn_up'
  | 'ffn_gate'
  | 'ffn_down'
  | 'output'
  | 'other';

export function tensorCategory(name: string): TensorCategory {
  if (name === 'output.weight') return 'output';
  if (name === 'token_embd.weight' || name === 'per_layer_token_embd.weight') return 'token_embd';
  if (name.includes('attn_qkv.weight')) return 'attn_qkv';
  if (name.includes('attn_kv_b.weight')) return 'attn_kv_b';
  if (name.includes('attn_v.weight')) return 'attn_v';
  if (name.includes('attn_k.weight')) return 'attn_k';
  if (name.includes('attn_q.weight')) return 'attn_q';
  if (name.includes('attn_output.weight')) return 'attn_output';
  if (name.includes('ffn_up')) return 'ffn_up';
  if (name.includes('ffn_gate')) return 'ffn_gate';
  if (name.includes('ffn_down')) return 'ffn_down';
  return 'other';
}

/** attn_v and the fused tensors that hold it: the most sensitive to quantization. */
export function isAttnVLike(category: TensorCategory): boolean {
  return category === 'attn_v' || category === 'attn_qkv' || category === 'attn_kv_b';
}

/** Names never quantized although they end in "weight" (small or index tensors of various architectures). */
const KEPT_SUBSTRINGS = [
  '_norm.weight',
  'ffn_gate_inp.weight',
  'ffn_gate_tid2eid.weight',
  'altup',
  'laurel',
  'per_layer_model_proj',
  'ssm_conv1d',
  'shortconv.conv.weight',
  'indexer.k_proj.weight',
  'indexer.q_proj.weight',
  ...['first', 'w0', 'w1', 'w2', 'v0', 'v1', 'v2', 'a0', 'a1', 'a2', 'g1', 'g2', 'decay_w1', 'decay_w2', 'lerp_fused'].map((s) => `time_mix_${s}.weight`),
  'attn_rel_b.weight',
  '.position_embd',
  'sam.pos_embd',
  'sam.neck.',
  'sam.net_',
  '.rel_pos',
  '.patch_embd',
  '.patch_merger',
  'a.rvq.codebook',
  'mm.a.code_embd',
];

/** LLM_TN(arch)(LLM_TENSOR_POS_EMBD / LLM_TENSOR_TOKEN_TYPES, "weight"), the same for every architecture. */
const KEPT_NAMES = new Set(['position_embd.weight', 'token_types.weight']);

/**
 * tensor_allows_quantization: 2-D and larger tensors whose name ends in "weight", except norms and the names above.
 * `dims` is ggml_n_dims (trailing dimensions of 1 do not count).
 */
export function allowsQuantization(name: string, dims: number): boolean {
  if (dims < 2 || !name.endsWith('weight')) return false;
  if (KEPT_NAMES.has(name)) return false;
  return !KEPT_SUBSTRINGS.some((s) => name.includes(s));
}
