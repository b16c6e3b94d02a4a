/*
 * The plan format: per-tensor quantization choices in one JSON file, shared by `quant quantize --plan`, the ONNX and
 * GGUF commands, and written by `quant compare --budget --plan-out` (docs/ANALYSIS.md).
 */
export { PlanErrorCodes, type PlanErrorCode } from './errors.js';
export { PLAN_FORMAT, PLAN_VERSION } from './types.js';
export type { GgmlChoice, KeepChoice, PlanChoice, PlanGgmlType, PlanPattern, QuantkitChoice, QuantPlan } from './types.js';
export { PLAN_GGML_TYPES, parsePlan, validatePlan } from './validate.js';
export { planChoiceFor, planGlob, unmatchedPlanEntries } from './resolve.js';
export { choiceJson, formatPlan } from './format.js';
