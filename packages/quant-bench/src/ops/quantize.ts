import { referenceBackend, type Backend } from '@quantkit/quant-core';
import { quantizeLinearModel, ONNX_INT_TYPES, type QdqModelSpec } from '@quantkit/quant-conformance';
import type { OrtCase, OrtValue } from '../ort.js';
import { CODE_TYPES, groupingOf, paramsOf, quantizeInto, type CodeType, type GranularityKind, type GroupParams, type Grouping } from './codes.js';
import type { Operation, Pass } from './types.js';

export const GRANULARITY_LABEL: Readonly<Record<GranularityKind, string>> = {
  tensor: 'per tensor',
  channel: 'per channel',
  'channel-last': 'per channel, last axis',
  block: 'per block(32)',
};

/** The Backend kernel name suffix of a granularity. */
export function kernelSuffix(g: GranularityKind): string {
  return g === 'tensor' ? 'Tensor' : g === 'block' ? 'Blocked' : 'Axis';
}

/** The QuantizeLinear / DequantizeLinear model spec of a code type, grouping and parameters (symmetric: no zero point). */
export function qdqSpec(type: CodeType, g: Grouping, p: GroupParams): QdqModelSpec {
  const t = CODE_TYPES[type];
  return {
    type: t.onnx,
    shape: g.shape,
    scale: p.scales,
    scaleShape: g.scaleShape,
    ...(t.scheme === 'affine' ? { zeroPoint: p.zeroPoints } : {}),
    ...(g.kind !== 'tensor' ? { axis: g.kind === 'channel-last' ? 1 : 0 } : {}),
    ...(g.kind === 'block' ? { blockSize: g.layout.blockSize } : {}),
  };
}

/** An empty array of the type ONNX Runtime hands the codes over in (int4 travels as int8, see the models). */
export function ortCodeValue(type: CodeType, g: Grouping, data?: Uint8Array | Int8Array | Int16Array): OrtValue {
  const io = ONNX_INT_TYPES[CODE_TYPES[type].onnx].io;
  const n = g.shape.reduce((a, d) => a * d, 1);
  const array = data ?? (io === 'uint8' ? new Uint8Array(n) : io === 'int8' ? new Int8Array(n) : new Int16Array(n));
  return { type: io as OrtValue['type'], data: array, dims: g.shape };
}

const INT4_ORT_NOTE = 'ONNX Runtime: QuantizeLinear to int4 then Cast to int8 inside the graph (int4 tensors cannot leave an onnxruntime-node session), so its output is one code per byte, unpacked.';

function quantizeOperation(granularity: GranularityKind, type: CodeType): Operation {
  const t = CODE_TYPES[type];
  // Per-block parameters are read along with the data: a float32 scale and an int32 zero point per 32 elements.
  const paramBytes = granularity === 'block' ? 8 / 32 : 0;
  const passes: Pass[] = [{ read: 4 + paramBytes, write: t.bytes }];
  return {
    id: `quantize-${granularity}-${type}`,
    label: `quantize ${GRANULARITY_LABEL[granularity]} → ${type}`,
    description: `Backend.quantize${kernelSuffix(granularity)} f32 → ${t.label}${t.packed ? ' into int8 codes, then Backend.pack(4)' : ''}, min/max parameters, caller-provided outputs`,
    passes,
    prepare(x, context) {
      const g = groupingOf(granularity, x.length);
      const p = paramsOf(context.producer, x, type, g);
      const codes = t.allocate(x.length);
      const packed = t.packed ? new Uint8Array(Math.ceil(x.length / 2)) : undefined;
      const run = packed
        ? (b: Backend): void => {
            quantizeInto(b, x, g, p, codes);
            b.pack(codes as Int8Array, 4, packed);
          }
        : (b: Backend): void => quantizeInto(b, x, g, p, codes);
      // Packed codes are unpacked with the reference, so the comparison does not trust the backend's unpack.
      const result = (): ArrayLike<number> => {
        if (packed === undefined) return codes;
        const unpacked = new Int8Array(x.length);
        referenceBackend.unpack(packed, 4, true, unpacked);
        return unpacked;
      };
      if (!context.withOrt) return { run, result };
      const ort: OrtCase = {
        op: 'QuantizeLinear',
        model: quantizeLinearModel(qdqSpec(type, g, p)),
        inputs: { x: { type: 'float32', data: x, dims: g.shape } },
        outputs: { y: ortCodeValue(type, g) },
        ...(t.packed ? { note: INT4_ORT_NOTE } : {}),
      };
      return { run, ort, result };
    },
  };
}

/** Per tensor, per channel and per block, to uint8, int8, int16 and packed int4; per channel on the last axis to uint8. */
export const QUANTIZE_OPERATIONS: readonly Operation[] = [
  ...(['tensor', 'channel', 'block'] as const).flatMap((g) => (['u8', 'i8', 'i16', 'int4'] as const).map((type) => quantizeOperation(g, type))),
  quantizeOperation('channel-last', 'u8'),
];
