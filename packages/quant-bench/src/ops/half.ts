import { numberToBfloat16, numberToFloat16, type Backend, type HalfDType } from '@quantkit/quant-core';
import type { Operation } from './types.js';

/*
 * Half-precision inputs (issue 14): Backend.quantizeTensorHalf on float16 / bfloat16 bits of the benchmark input, per
 * tensor, into uint8 codes, parameters from the data's min/max (Backend.minMaxHalf, outside the timed call); no ONNX
 * Runtime column (onnxruntime-node has no bfloat16 tensors, and its float16 QuantizeLinear is checked by the conformance
 * oracle instead). Half the bytes of float32 are read, so at sizes beyond the caches it should run faster than
 * quantize per tensor → u8.
 */
function quantizeHalfOperation(dtype: HalfDType): Operation {
  const short = dtype === 'float16' ? 'f16' : 'bf16';
  return {
    id: `half-quantize-${short}-u8`,
    label: `quantize per tensor ${short} → u8`,
    description: `Backend.quantizeTensorHalf ${dtype} bits → uint8, min/max parameters, caller-provided output`,
    passes: [{ read: 2, write: 1 }],
    prepare(x, context) {
      const round = dtype === 'float16' ? numberToFloat16 : numberToBfloat16;
      const bits = Uint16Array.from(x, round);
      const r = context.producer.minMaxHalf(bits, dtype);
      const lo = Math.min(r.min, 0);
      const hi = Math.max(r.max, 0);
      const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1);
      const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
      const codes = new Uint8Array(x.length);
      const spec = { qmin: 0, qmax: 255, profile: 'onnx' as const };
      return { run: (b: Backend) => b.quantizeTensorHalf(bits, dtype, scale, zeroPoint, spec, codes) };
    },
  };
}

export const HALF_OPERATIONS: readonly Operation[] = [quantizeHalfOperation('float16'), quantizeHalfOperation('bfloat16')];
