import { GGML_FORMATS, type GgmlFormat } from '@quantkit/quant';
import { fail } from '../errors.js';
import { GGML_TYPE } from '../format/ggml-types.js';
import { LlamaFtype, type LlamaFtypeValue } from './llama-ftype.js';

/** Types every eligible tensor is quantized to, as `llama-quantize --pure` does. */
export const UNIFORM_TYPES = ['q8_0', 'q4_0', 'q4_1', 'q5_0', 'q5_1', 'q3_k', 'q4_k', 'q5_k', 'q6_k'] as const;
/** llama-quantize's file types whose tensor types are chosen per tensor by its rules (llama-rules.ts). */
export const MIX_TYPES = ['q4_k_m', 'q4_k_s', 'q5_k_m', 'q5_k_s', 'q3_k_m', 'q2_k'] as const;

export type UniformType = (typeof UNIFORM_TYPES)[number];
export type MixType = (typeof MIX_TYPES)[number];
export type RequantizeType = UniformType | MixType;

/** What a `typeFor` override may name: any GGML block format, or a float type. */
export type TensorType = GgmlFormat | 'f32' | 'f16' | 'bf16';

export interface Recipe {
  readonly name: RequantizeType;
  /** The ggml type a tensor gets unless a rule (mixes only) or the row-length fallback says otherwise. */
  readonly defaultTypeId: number;
  /** `general.file_type` of the output. */
  readonly ftype: LlamaFtypeValue;
  /** Whether llama-quantize's per-tensor rules apply. */
  readonly mix: boolean;
}

const RECIPES: Readonly<Record<RequantizeType, Omit<Recipe, 'name'>>> = {
  q8_0: { defaultTypeId: GGML_TYPE.Q8_0, ftype: LlamaFtype.MOSTLY_Q8_0, mix: false },
  q4_0: { defaultTypeId: GGML_TYPE.Q4_0, ftype: LlamaFtype.MOSTLY_Q4_0, mix: false },
  q4_1: { defaultTypeId: GGML_TYPE.Q4_1, ftype: LlamaFtype.MOSTLY_Q4_1, mix: false },
  q5_0: { defaultTypeId: GGML_TYPE.Q5_0, ftype: LlamaFtype.MOSTLY_Q5_0, mix: false },
  q5_1: { defaultTypeId: GGML_TYPE.Q5_1, ftype: LlamaFtype.MOSTLY_Q5_1, mix: false },
  // No llama file type is uniformly Q3_K/Q4_K/Q5_K: these are what `llama-quantize --pure Q3_K_S` (etc.) writes.
  q3_k: { defaultTypeId: GGML_TYPE.Q3_K, ftype: LlamaFtype.MOSTLY_Q3_K_S, mix: false },
  q4_k: { defaultTypeId: GGML_TYPE.Q4_K, ftype: LlamaFtype.MOSTLY_Q4_K_S, mix: false },
  q5_k: { defaultTypeId: GGML_TYPE.Q5_K, ftype: LlamaFtype.MOSTLY_Q5_K_S, mix: false },
  q6_k: { defaultTypeId: GGML_TYPE.Q6_K, ftype: LlamaFtype.MOSTLY_Q6_K, mix: false },
  q4_k_m: { defaultTypeId: GGML_TYPE.Q4_K, ftype: LlamaFtype.MOSTLY_Q4_K_M, mix: true },
  q4_k_s: { defaultTypeId: GGML_TYPE.Q4_K, ftype: LlamaFtype.MOSTLY_Q4_K_S, mix: true },
  q5_k_m: { defaultTypeId: GGML_TYPE.Q5_K, ftype: LlamaFtype.MOSTLY_Q5_K_M, mix: true },
  q5_k_s: { defaultTypeId: GGML_TYPE.Q5_K, ftype: LlamaFtype.MOSTLY_Q5_K_S, mix: true },
  q3_k_m: { defaultTypeId: GGML_TYPE.Q3_K, ftype: LlamaFtype.MOSTLY_Q3_K_M, mix: true },
  q2_k: { defaultTypeId: GGML_TYPE.Q2_K, ftype: LlamaFtype.MOSTLY_Q2_K, mix: true },
};

export const REQUANTIZE_TYPES: readonly RequantizeType[] = [...UNIFORM_TYPES, ...MIX_TYPES];

export function recipeOf(type: unknown): Recipe {
  if (typeof type !== 'string' || !Object.hasOwn(RECIPES, type)) {
    fail('E_GGUF_OPTION', `type must be one of ${REQUANTIZE_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  }
  return { name: type as RequantizeType, ...RECIPES[type as RequantizeType] };
}

const FLOAT_TYPE_IDS: Readonly<Record<string, number>> = { f32: GGML_TYPE.F32, f16: GGML_TYPE.F16, bf16: GGML_TYPE.BF16 };

export const TENSOR_TYPES: readonly TensorType[] = [...(Object.keys(GGML_FORMATS) as GgmlFormat[]), 'f32', 'f16', 'bf16'];

/** The ggml type id of a `typeFor` type name; E_GGUF_OPTION for anything else. */
export function tensorTypeId(type: unknown): number {
  if (typeof type === 'string' && Object.hasOwn(FLOAT_TYPE_IDS, type)) return FLOAT_TYPE_IDS[type]!;
  if (typeof type === 'string' && Object.hasOwn(GGML_FORMATS, type)) return GGML_FORMATS[type as GgmlFormat].ggmlType;
  return fail('E_GGUF_OPTION', `a typeFor type must be one of ${TENSOR_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
}

/** The quant-core block format of a ggml type id, if it is one. */
export function blockFormatOf(typeId: number): GgmlFormat | undefined {
  return (Object.keys(GGML_FORMATS) as GgmlFormat[]).find((f) => GGML_FORMATS[f].ggmlType === typeId);
}
