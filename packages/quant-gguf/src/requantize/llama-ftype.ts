/*
 * llama.cpp's enum llama_ftype (include/llama.h), the value llama-quantize writes to `general.file_type`, for the
 * file types this package produces. Stable since they were introduced; read at ggml-org/llama.cpp
 * 0011438e931ec7fd258433f61d411301a759fae2.
 */
export const LlamaFtype = Object.freeze({
  ALL_F32: 0,
  MOSTLY_F16: 1,
  MOSTLY_Q4_0: 2,
  MOSTLY_Q4_1: 3,
  MOSTLY_Q8_0: 7,
  MOSTLY_Q5_0: 8,
  MOSTLY_Q5_1: 9,
  MOSTLY_Q2_K: 10,
  MOSTLY_Q3_K_S: 11,
  MOSTLY_Q3_K_M: 12,
  MOSTLY_Q3_K_L: 13,
  MOSTLY_Q4_K_S: 14,
  MOSTLY_Q4_K_M: 15,
  MOSTLY_Q5_K_S: 16,
  MOSTLY_Q5_K_M: 17,
  MOSTLY_Q6_K: 18,
  MOSTLY_BF16: 32,
} as const);

export type LlamaFtypeValue = (typeof LlamaFtype)[keyof typeof LlamaFtype];

/** GGML_QNT_VERSION (ggml/include/ggml.h), which llama-quantize writes to `general.quantization_version`. */
export const GGML_QNT_VERSION = 2;
