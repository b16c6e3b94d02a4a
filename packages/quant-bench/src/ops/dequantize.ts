import type { Backend } from '@quantkit/quant-core';
import { dequantizeLinearModel } from '@quantkit/quant-conformance';
import type { OrtCase } from '../ort.js';
import { CODE_TYPES, dequantizeInto, groupingOf, paramsOf, quantizeInto, type CodeType, type GranularityKind } from './codes.js';
import { GRANULARITY_LABEL, kernelSuffix, ortCodeValue, qdqSpec } from './quantize.js';
import type { Operation } from './types.js';

const INT4_ORT_NOTE = 'ONNX Runtime: int8 codes Cast to int4 inside the graph, then DequantizeLinear (int4 tensors cannot be fed to an onnxruntime-node session); quantkit reads packed bytes.';

function dequantizeOperation(granularity: GranularityKind, type: CodeType): Operation {
  const t = CODE_TYPES[type];
  const paramBytes = granularity === 'block' ? 8 / 32 : 0;
  const name = kernelSuffix(granularity);
  return {
    id: `dequantize-${granularity}-${type}`,
    label: `dequantize ${GRANULARITY_LABEL[granularity]} ${type} → f32`,
    description: `${t.packed ? 'Backend.unpack(4) into int8 codes, then ' : ''}Backend.dequantize${name} ${t.label} → f32, caller-provided outputs`,
    passes: [{ read: t.bytes + paramBytes, write: 4 }],
    prepare(x, context) {
      const g = groupingOf(granularity, x.length);
      const p = paramsOf(context.producer, x, type, g);
      const codes = t.allocate(x.length);
      quantizeInto(context.producer, x, g, p, codes);
      const out = new Float32Array(x.length);
      let run: (b: Backend) => void;
      if (t.packed) {
        const packed = new Uint8Array(Math.ceil(x.length / 2));
        context.producer.pack(codes as Int8Array, 4, packed);
        const scratch = new Int8Array(x.length);
        run = (b) => {
          b.unpack(packed, 4, true, scratch);
          dequantizeInto(b, scratch, g, p, out);
        };
      } else {
        run = (b) => dequantizeInto(b, codes, g, p, out);
      }
      const result = (): ArrayLike<number> => out;
      if (!context.withOrt) return { run, result };
      const ort: OrtCase = {
        op: 'DequantizeLinear',
        model: dequantizeLinearModel(qdqSpec(type, g, p)),
        inputs: { q: ortCodeValue(type, g, codes) },
        outputs: { y: { type: 'float32', data: new Float32Array(x.length), dims: g.shape } },
        ...(t.packed ? { note: INT4_ORT_NOTE } : {}),
      };
      return { run, ort, result };
    },
  };
}

/** uint8 per tensor, int8 per channel, packed int4 per block, int8 per channel on the last axis. */
export const DEQUANTIZE_OPERATIONS: readonly Operation[] = [
  dequantizeOperation('tensor', 'u8'),
  dequantizeOperation('channel', 'i8'),
  dequantizeOperation('block', 'int4'),
  dequantizeOperation('channel-last', 'i8'),
];
