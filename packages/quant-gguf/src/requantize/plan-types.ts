import { GGML_TYPE, ggmlTypeName } from '../format/ggml-types.js';
import type { GgufMetadata } from '../format/metadata-values.js';
import { significantDims, type GgufTensorInfo } from '../format/tensor-info.js';
import { globPattern } from './glob.js';
import { llamaOrder } from './llama-order.js';
import { mixTensorType, type RuleState } from './llama-rules.js';
import { modelParams } from './model-params.js';
import { tensorTypeId, type Recipe, type TensorType } from './target-types.js';
import { allowsQuantization, isAttnVLike, tensorCategory } from './tensor-category.js';
import { fallbackType } from './type-fallback.js';

/** A per-tensor type override: the first entry whose glob matches a tensor's whole name wins. */
export interface TypeOverride {
  readonly glob: string;
  readonly type: TensorType;
}

/** What happens to one tensor. */
export interface TensorPlan {
  readonly tensor: GgufTensorInfo;
  readonly targetTypeId: number;
  /** quantize: float data to GGML blocks; convert: between F32, F16 and BF16; copy: bytes as they are. */
  readonly action: 'quantize' | 'convert' | 'copy';
  /** Why the type differs from what was asked (a row-length fallback, already-quantized data), if it does. */
  readonly note?: string;
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([GGML_TYPE.F32, GGML_TYPE.F16, GGML_TYPE.BF16]);

interface Chosen {
  readonly typeId: number;
  readonly note?: string;
}

/**
 * llama_tensor_get_type for one tensor: ineligible tensors (1-D, norms, not "*weight") keep their type; an override
 * replaces the rules; otherwise the mix's rules or the uniform type; then the row-length fallback.
 */
function chooseType(t: GgufTensorInfo, recipe: Recipe, overrides: readonly { re: RegExp; typeId: number }[], state: RuleState): Chosen {
  if (!allowsQuantization(t.name, significantDims(t.shape))) return { typeId: t.typeId };
  const override = overrides.find((o) => o.re.test(t.name));
  const rowLength = t.shape[0] ?? 1;
  let typeId = recipe.defaultTypeId;
  if (override !== undefined) typeId = override.typeId;
  else if (recipe.mix) typeId = mixTensorType(state, tensorCategory(t.name), t.name, rowLength, recipe.defaultTypeId);
  // The rules ran for the counters' sake; data that is not float is copied whatever they chose.
  if (!FLOAT_TYPES.has(t.typeId)) return { typeId };
  const fallback = fallbackType(t.name, rowLength, typeId);
  return { typeId: fallback.typeId, ...(fallback.reason !== undefined ? { note: fallback.reason } : {}) };
}

function planOf(t: GgufTensorInfo, chosen: Chosen): TensorPlan {
  const float = FLOAT_TYPES.has(t.typeId);
  const targetTypeId = float ? chosen.typeId : t.typeId;
  const note = float ? chosen.note : chosen.typeId !== t.typeId ? `already ${ggmlTypeName(t.typeId)}: copied (only F32/F16/BF16 data is re-quantized)` : undefined;
  const action = targetTypeId === t.typeId ? 'copy' : FLOAT_TYPES.has(targetTypeId) ? 'convert' : 'quantize';
  return { tensor: t, targetTypeId, action, ...(note !== undefined ? { note } : {}) };
}

/** Every tensor's fate, in the file's order; the types are chosen in llama-quantize's order (llama-order.ts). */
export function planTensorTypes(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[], recipe: Recipe, overrides: readonly TypeOverride[] = []): TensorPlan[] {
  const compiled = overrides.map((o) => ({ re: globPattern(o.glob), typeId: tensorTypeId(o.type) }));
  const names = tensors.map((t) => t.name);
  const state: RuleState = {
    model: modelParams(metadata, names),
    ftype: recipe.ftype,
    tiedEmbeddings: !names.includes('output.weight'),
    attnVCount: names.filter((n) => isAttnVLike(tensorCategory(n))).length,
    attnVSeen: 0,
    ffnDownSeen: 0,
    ffnGateSeen: 0,
    ffnUpSeen: 0,
  };
  const chosen = new Map<GgufTensorInfo, Chosen>();
  for (const t of llamaOrder(tensors)) chosen.set(t, chooseType(t, recipe, compiled, state));
  return tensors.map((t) => planOf(t, chosen.get(t)!));
}
