import { QuantError } from '../errors.js';

/**
 * The stable codes of a plan file the reader refuses (docs/ANALYSIS.md, "The plan format"). Codes never change
 * meaning; messages may be improved. Every one is thrown as a QuantError.
 */
export const PlanErrorCodes = {
  /** The text is not JSON. */
  SYNTAX: 'ERR_QUANT_PLAN_SYNTAX',
  /** Not a quantkit plan (`"format": "quantkit.plan"` missing), or a plan version this reader does not know. */
  VERSION: 'ERR_QUANT_PLAN_VERSION',
  /** The plan's structure or one of its entries is malformed: unknown key, bad value, conflicting fields. */
  ENTRY: 'ERR_QUANT_PLAN_ENTRY',
  /** Two entries name the same tensor, or two `match` entries have the same pattern. */
  DUPLICATE: 'ERR_QUANT_PLAN_DUPLICATE',
  /** Raised by the commands that apply a plan: an exact name the input has no float tensor of. */
  UNKNOWN_TENSOR: 'ERR_QUANT_PLAN_UNKNOWN_TENSOR',
  /** Raised by the commands that apply a plan: a choice that does not fit the tensor or the command (a GGML format for quantkit's format, an axis beyond the rank, ...). */
  NOT_APPLICABLE: 'ERR_QUANT_PLAN_NOT_APPLICABLE',
} as const;

export type PlanErrorCode = (typeof PlanErrorCodes)[keyof typeof PlanErrorCodes];

export function planFail(code: PlanErrorCode, message: string): never {
  throw new QuantError(code, message);
}
