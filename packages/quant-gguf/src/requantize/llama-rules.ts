/*
 * llama-quantize's choice of a tensor's type within a mix: llama_tensor_get_type_impl of src/llama-quant.cpp at
 * ggml-org/llama.cpp 007dbbf3fd17eefe9b47fee45f48f7ba5e62b714, for the file types this package writes (Q2_K,
 * Q3_K_M, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M) and without an importance matrix. The table is in docs/GGUF.md.
 */
import { fail } from '../errors.js';
import { GGML_TYPE, ggmlTypeInfo } from '../format/ggml-types.js';
import { LlamaFtype, type LlamaFtypeValue } from './llama-ftype.js';
import { layerOf, type ModelParams } from './model-params.js';
import { isAttnVLike, type TensorCategory } from './tensor-category.js';

const { Q3_K, Q4_K, Q5_K, Q6_K, Q8_0 } = GGML_TYPE;
const F = LlamaFtype;

/** quantize_state_impl's counters: how many attn_v / ffn tensors there are and how many were seen so far. */
export interface RuleState {
  readonly model: ModelParams;
  readonly ftype: LlamaFtypeValue;
  /** No output.weight: the token embeddings double as the output (they get the output's type). */
  readonly tiedEmbeddings: boolean;
  readonly attnVCount: number;
  attnVSeen: number;
  ffnDownSeen: number;
  ffnGateSeen: number;
  ffnUpSeen: number;
}

/** The first and last eighth of the layers, and every third layer in between. */
export function useMoreBits(layer: number, layers: number): boolean {
  const eighth = Math.trunc(layers / 8);
  return layer < eighth || layer >= Math.trunc((7 * layers) / 8) || (layer - eighth) % 3 === 2;
}

/** The layer of an ffn tensor: its running count, or (with experts, which are not stored in order) its name. */
function layerInfo(state: RuleState, seen: number, name: string): number {
  if (state.model.experts <= 1) return seen;
  const layer = layerOf(name);
  if (layer < 0 || layer >= state.model.layers) fail('E_GGUF_METADATA', `cannot tell its layer (0..${state.model.layers - 1}) from its name`, { tensor: name });
  return layer;
}

function outputType(state: RuleState, defaultType: number, rowLength: number): number {
  const blockSize = ggmlTypeInfo(defaultType)!.blockSize;
  if (state.model.arch === 'falcon' || rowLength % blockSize !== 0) return Q8_0;
  return defaultType === Q8_0 ? Q8_0 : Q6_K;
}

function attnVType(state: RuleState, type: number): number {
  const { ftype, model } = state;
  const i = state.attnVSeen++;
  if (ftype === F.MOSTLY_Q2_K) type = model.gqa >= 4 ? Q4_K : Q3_K;
  else if (ftype === F.MOSTLY_Q3_K_M) type = i < 2 ? Q5_K : Q4_K;
  else if ((ftype === F.MOSTLY_Q4_K_M || ftype === F.MOSTLY_Q5_K_M) && useMoreBits(i, state.attnVCount)) type = Q6_K;
  else if (ftype === F.MOSTLY_Q4_K_S && i < 4) type = Q5_K;
  if (model.is70B && (type === Q3_K || type === Q4_K)) type = Q5_K;
  if (model.experts === 8) type = Q8_0;
  return type;
}

function ffnDownType(state: RuleState, type: number, name: string): number {
  const { ftype, model } = state;
  const i = layerInfo(state, state.ffnDownSeen, name);
  const n = model.layers;
  const falcon = model.arch === 'falcon';
  state.ffnDownSeen++;
  if (ftype === F.MOSTLY_Q2_K) return Q3_K;
  if (ftype === F.MOSTLY_Q3_K_M) return i < Math.trunc(n / 16) ? Q5_K : !falcon || useMoreBits(i, n) ? Q4_K : Q3_K;
  if (ftype === F.MOSTLY_Q4_K_M) {
    if (falcon) return i < Math.trunc(n / 16) ? Q6_K : useMoreBits(i, n) ? Q5_K : Q4_K;
    return useMoreBits(i, n) ? Q6_K : type;
  }
  if (ftype === F.MOSTLY_Q5_K_M) return useMoreBits(i, n) ? Q6_K : type;
  if (ftype === F.MOSTLY_Q4_K_S && !falcon && i < Math.trunc(n / 8)) return Q5_K;
  return type;
}

function attnOutputType(state: RuleState, type: number): number {
  const { ftype, model } = state;
  if (model.arch === 'falcon') return type; // only Q3_K_L changes it there
  if (model.experts === 8) {
    const bumped: readonly number[] = [F.MOSTLY_Q2_K, F.MOSTLY_Q3_K_M, F.MOSTLY_Q4_K_S, F.MOSTLY_Q4_K_M];
    return bumped.includes(ftype) ? Q5_K : type;
  }
  if (ftype === F.MOSTLY_Q2_K) return Q3_K;
  if (ftype === F.MOSTLY_Q3_K_M) return Q4_K;
  return type;
}

/**
 * The type llama-quantize's mix gives one eligible tensor. Must be called for every eligible tensor in llama's order
 * (by layer, then name): the attn_v and ffn counters in `state` advance as in llama_tensor_get_type_impl.
 * (Its separate attn_qkv rule is unreachable upstream: attn_qkv is caught by the attn_v branch first, as here.)
 */
export function mixTensorType(state: RuleState, category: TensorCategory, name: string, rowLength: number, defaultType: number): number {
  if (category === 'output' || (state.tiedEmbeddings && category === 'token_embd')) return outputType(state, defaultType, rowLength);
  if (category === 'token_embd') return defaultType;
  if (isAttnVLike(category)) return attnVType(state, defaultType);
  if (category === 'attn_k') return state.model.experts === 8 ? Q8_0 : defaultType;
  if (category === 'ffn_down') return ffnDownType(state, defaultType, name);
  if (category === 'attn_output') return attnOutputType(state, defaultType);
  if (category === 'ffn_gate') layerInfo(state, state.ffnGateSeen++, name);
  if (category === 'ffn_up') layerInfo(state, state.ffnUpSeen++, name);
  return defaultType;
}
