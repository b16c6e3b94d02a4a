import type { Warning } from '@quantkit/quant-queue';
import { describeOverflow, groupCount, tensorOverflow } from '../analysis/range-overflow.js';
import type { QuantizedRecord } from '../formats/quantized-format.js';
import type { TensorValues } from '../formats/tensor-values.js';
import type { QuantizedTensor } from '../lib.js';

/** The warning `quant quantize` prints when a tensor's grid overflows its dtype (range-overflow.ts), or undefined. */
export function rangeOverflowWarning(where: { readonly file: string; readonly tensor: string }, x: TensorValues, qt: QuantizedTensor, record: QuantizedRecord): Warning | undefined {
  const o = tensorOverflow(qt, record.dtype, x);
  return o && { kind: 'range-overflow', ...where, message: describeOverflow(o, record.dtype, groupCount(qt)) };
}
