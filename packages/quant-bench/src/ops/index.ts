import { API_OPERATIONS, API_OUT_OPERATIONS } from './api.js';
import { DEQUANTIZE_OPERATIONS } from './dequantize.js';
import { FAKE_QUANTIZE, FULL_QUANTIZE, HISTOGRAM, MIN_MAX } from './misc.js';
import { HALF_OPERATIONS } from './half.js';
import { EMBEDDING_OPERATIONS } from './embeddings.js';
import { GGML_OPERATIONS } from './ggml.js';
import { QUANTIZE_OPERATIONS } from './quantize.js';
import type { Operation } from './types.js';

export type { Operation, Pass, PrepareContext, PreparedOperation } from './types.js';

/** Every row of the main table, in table order. */
export const OPERATIONS: readonly Operation[] = [MIN_MAX, ...QUANTIZE_OPERATIONS, ...HALF_OPERATIONS, ...DEQUANTIZE_OPERATIONS, FULL_QUANTIZE, ...API_OPERATIONS, ...API_OUT_OPERATIONS, FAKE_QUANTIZE, HISTOGRAM, ...EMBEDDING_OPERATIONS, ...GGML_OPERATIONS];
