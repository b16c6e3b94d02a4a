import { QuantError, numberToFloat16, quantize, type QuantizedTensor } from '@quantkit/quant';
import { create } from '@bufbuild/protobuf';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { littleEndianBytes } from './little-endian.js';
import { DataType, TensorProtoSchema, type TensorProto } from './onnx.js';
import type { OnnxBits, OnnxScheme, ResolvedOptions } from './options.js';
import type { WeightLayout } from './weight-layout.js';
import { float16Bits, float32Values, type WeightDType } from './weight-values.js';
import { zeroPointBytes } from './zero-points.js';

/** The integer initializers that replace one float weight, before they are named into the graph. */
export interface QuantizedWeight {
  /** The ONNX type of the codes, lower case: int8, uint8, int4, uint4, int16, uint16. */
  readonly codeType: string;
  readonly codes: TensorProto;
  readonly scale: TensorProto;
  /** Absent for the symmetric scheme: DequantizeLinear then takes 0, in the codes' (signed) type. */
  readonly zeroPoint: TensorProto | undefined;
  /** The bytes of the original float payload, and of each new payload. */
  readonly floatBytes: number;
  readonly codeBytes: number;
  readonly scaleBytes: number;
  readonly zeroPointBytes: number;
}

export const CODE_TYPES: Readonly<Record<OnnxBits, Readonly<Record<OnnxScheme, DataType>>>> = {
  4: { symmetric: DataType.INT4, affine: DataType.UINT4 },
  8: { symmetric: DataType.INT8, affine: DataType.UINT8 },
  16: { symmetric: DataType.INT16, affine: DataType.UINT16 },
};

function tensor(dataType: DataType, dims: readonly number[], rawData: Uint8Array): TensorProto {
  return create(TensorProtoSchema, { dataType, dims: dims.map(BigInt), rawData });
}

/** The scale tensor's dims: [] per tensor, [D] per channel, the weight's dims with ceil(D / B) on the axis per block. */
function scaleDims(shape: readonly number[], layout: WeightLayout): number[] {
  if (layout.granularity === 'tensor') return [];
  if (layout.granularity === 'channel') return [shape[layout.axis]!];
  return shape.map((d, i) => (i === layout.axis ? Math.ceil(d / layout.blockSize) : d));
}

function granularityOf(layout: WeightLayout) {
  if (layout.granularity === 'tensor') return 'tensor' as const;
  if (layout.granularity === 'channel') return { axis: layout.axis };
  return { axis: layout.axis, blockSize: layout.blockSize };
}

function scaleBytes(scale: number | ArrayLike<number>, dtype: WeightDType): Uint8Array {
  const values = typeof scale === 'number' ? [scale] : Array.from(scale);
  // Scales of float16 weights are float16 values (held as float32 numbers by @quantkit/quant): exact conversion.
  return littleEndianBytes(dtype === 'float16' ? Uint16Array.from(values, numberToFloat16) : Float32Array.from(values));
}

function runQuantize(name: string, values: Float32Array | Uint16Array, dtype: WeightDType, shape: readonly number[], layout: WeightLayout, options: ResolvedOptions): QuantizedTensor {
  try {
    return quantize(values, {
      scheme: options.scheme,
      bits: options.bits,
      shape,
      granularity: granularityOf(layout),
      packed: options.bits === 4,
      ...(dtype === 'float16' ? { dtype: 'float16' as const } : {}),
    });
  } catch (cause) {
    if (!(cause instanceof QuantError)) throw cause;
    throw new OnnxError(OnnxErrorCodes.QUANTIZATION, `${cause.message} (${cause.code})`, { tensor: name, cause });
  }
}

/** Quantizes one float initializer with @quantkit/quant (bit-exact with onnxruntime's QuantizeLinear). */
export function quantizeWeight(weight: TensorProto, dtype: WeightDType, shape: readonly number[], layout: WeightLayout, options: ResolvedOptions): QuantizedWeight {
  const count = shape.reduce((p, d) => p * d, 1);
  const values = dtype === 'float32' ? float32Values(weight, count) : float16Bits(weight, count);
  const qt = runQuantize(weight.name, values, dtype, shape, layout, options);
  const codeType = CODE_TYPES[options.bits][options.scheme];
  const codes = tensor(codeType, shape, options.bits === 4 ? (qt.data as Uint8Array) : littleEndianBytes(qt.data));
  const dims = scaleDims(shape, layout);
  const scale = tensor(dtype === 'float16' ? DataType.FLOAT16 : DataType.FLOAT, dims, scaleBytes(qt.scale, dtype));
  const zeroPoint =
    options.scheme === 'symmetric'
      ? undefined
      : tensor(codeType, dims, zeroPointBytes(typeof qt.zeroPoint === 'number' ? [qt.zeroPoint] : qt.zeroPoint, options.bits));
  return {
    codeType: DataType[codeType].toLowerCase(),
    codes,
    scale,
    zeroPoint,
    floatBytes: count * (dtype === 'float16' ? 2 : 4),
    codeBytes: codes.rawData.byteLength,
    scaleBytes: scale.rawData.byteLength,
    zeroPointBytes: zeroPoint?.rawData.byteLength ?? 0,
  };
}
