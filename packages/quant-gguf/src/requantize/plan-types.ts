import { planChoiceFor, PlanErrorCodes, QuantError, unmatchedPlanEntries, type QuantPlan } from '@quantkit/quant';
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
 * A plan's type for a tensor (docs/ANALYSIS.md's plan format): a GGML choice's type, 'keep' (its own type), or
 * undefined when the plan says nothing of it. quantkit's own format does not exist in GGUF: ERR_QUANT_PLAN_NOT_APPLICABLE.
 */
function plannedTypeId(plan: QuantPlan | undefined, t: GgufTensorInfo): number | undefined {
  const choice = plan === undefined ? undefined : planChoiceFor(plan, t.name);
  if (choice === undefined) return undefined;
  if (choice.kind === 'keep') return t.typeId;
  if (choice.kind === 'ggml') return tensorTypeId(choice.format);
  throw new QuantError(PlanErrorCodes.NOT_APPLICABLE, `the plan gives tensor '${t.name}' quantkit's ${choice.scheme} ${choice.bits}-bit format, which GGUF does not hold: plan GGML types for quant gguf ('quant compare --target gguf')`);
}

/**
 * llama_tensor_get_type for one tensor: ineligible tensors (1-D, norms, not "*weight") keep their type; an override
 * (--type-for), else the plan, replaces the rules; otherwise the mix's rules or the uniform type; then the row-length
 * fallback.
 */
function chooseType(t: GgufTensorInfo, recipe: Recipe, overrides: readonly { re: RegExp; typeId: number }[], plan: QuantPlan | undefined, state: RuleState): Chosen {
  if (!allowsQuantization(t.name, significantDims(t.shape))) {
    const asked = plan?.tensors.get(t.name);
    const keeps = asked === undefined || asked.kind === 'keep' || (asked.kind === 'ggml' && tensorTypeId(asked.format) === t.typeId);
    return keeps ? { typeId: t.typeId } : { typeId: t.typeId, note: `kept ${ggmlTypeName(t.typeId)} as llama-quantize keeps it (1-D, a norm, or not a weight): the plan's type is not applied` };
  }
  const override = overrides.find((o) => o.re.test(t.name));
  const rowLength = t.shape[0] ?? 1;
  let typeId = recipe.defaultTypeId;
  const planned = override === undefined ? plannedTypeId(plan, t) : undefined;
  if (override !== undefined) typeId = override.typeId;
  else if (planned !== undefined) typeId = planned;
  else if (recipe.mix) typeId = mixTensorType(state, tensorCategory(t.name), t.name, rowLength, recipe.defaultTypeId);
  // The rules ran for the counters' sake; data that is not float is copied whatever they chose.
  if (!FLOAT_TYPES.has(t.typeId)) return { typeId };
  if (typeId === t.typeId) return { typeId }; // kept as it is (the plan's 'keep'): no fallback to apply
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

/**
 * Every tensor's fate, in the file's order; the types are chosen in llama-quantize's order (llama-order.ts). A plan
 * naming a tensor that is no F32/F16/BF16 tensor of the file is ERR_QUANT_PLAN_UNKNOWN_TENSOR (docs/ANALYSIS.md).
 */
export function planTensorTypes(metadata: GgufMetadata, tensors: readonly GgufTensorInfo[], recipe: Recipe, overrides: readonly TypeOverride[] = [], plan?: QuantPlan): TensorPlan[] {
  const compiled = overrides.map((o) => ({ re: globPattern(o.glob), typeId: tensorTypeId(o.type) }));
  const names = tensors.map((t) => t.name);
  const unknown = plan === undefined ? [] : unmatchedPlanEntries(plan, tensors.filter((t) => FLOAT_TYPES.has(t.typeId)).map((t) => t.name)).names;
  if (unknown.length > 0) {
    throw new QuantError(PlanErrorCodes.UNKNOWN_TENSOR, `the plan names ${unknown.length === 1 ? 'a tensor' : `${unknown.length} tensors`} this file has no F32/F16/BF16 tensor of: ${unknown.slice(0, 5).map((n) => `'${n}'`).join(', ')}${unknown.length > 5 ? ', ...' : ''}`);
  }
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
  for (const t of llamaOrder(tensors)) chosen.set(t, chooseType(t, recipe, compiled, plan, state));
  return tensors.map((t) => planOf(t, chosen.get(t)!));
}
