import { QuantError, numberToFloat16, quantize, type CalibrationSpec, type QuantizedTensor } from '@quantkit/quant';
import { create } from '@bufbuild/protobuf';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { littleEndianBytes } from './little-endian.js';
import { DataType, TensorProtoSchema, type TensorProto } from './onnx.js';
import type { OnnxBits, OnnxScheme } from './options.js';
import type { TensorData } from './tensor-data.js';
import type { WeightLayout } from './weight-layout.js';
import { float16Bits, float32Values, type WeightDType } from './weight-values.js';
import { zeroPointBytes } from './zero-points.js';

/** How one weight's codes are made: width, scheme and (optionally) a calibrator for each group's range. */
export interface CodeSpec {
  readonly bits: OnnxBits;
  readonly scheme: OnnxScheme;
  readonly calibration: CalibrationSpec | undefined;
}

/** The integer initializers that replace one float weight, before they are named into the graph. */
export interface QuantizedWeight {
  /** The ONNX type of the codes, lower case: int8, uint8, int4, uint4, int16, uint16. */
  readonly codeType: string;
  readonly codes: TensorProto;
  readonly scale: TensorProto;
  /** Absent for the symmetric scheme unless asked for: DequantizeLinear then takes 0, in the codes' (signed) type. */
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

export function tensorOf(dataType: DataType, dims: readonly number[], rawData: Uint8Array): TensorProto {
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

/** Scale values as the bytes of a float (float32 weights) or float16 (float16 weights) tensor. */
export function scaleBytes(scale: number | ArrayLike<number>, dtype: WeightDType): Uint8Array {
  if (dtype === 'float32' && scale instanceof Float32Array) return littleEndianBytes(scale);
  const values = typeof scale === 'number' ? [scale] : Array.from(scale);
  // Scales of float16 weights are float16 values (held as float32 numbers by @quantkit/quant): exact conversion.
  return littleEndianBytes(dtype === 'float16' ? Uint16Array.from(values, numberToFloat16) : Float32Array.from(values));
}

/** A float initializer's values: float32 numbers, or float16 bit patterns. */
export function weightValues(weight: TensorProto, dtype: WeightDType, shape: readonly number[], data: TensorData): Float32Array | Uint16Array {
  const count = shape.reduce((p, d) => p * d, 1);
  return dtype === 'float32' ? float32Values(weight, count, data) : float16Bits(weight, count, data);
}

/** @quantkit/quant's quantize of one weight (bit-exact with onnxruntime's QuantizeLinear); a refusal names the tensor. */
export function quantizeValues(name: string, values: Float32Array | Uint16Array, dtype: WeightDType, shape: readonly number[], layout: WeightLayout, spec: CodeSpec, packed: boolean): QuantizedTensor {
  try {
    return quantize(values, {
      scheme: spec.scheme,
      bits: spec.bits,
      shape,
      granularity: granularityOf(layout),
      packed,
      ...(spec.calibration === undefined ? {} : { range: spec.calibration }),
      ...(dtype === 'float16' ? { dtype: 'float16' as const } : {}),
    });
  } catch (cause) {
    if (!(cause instanceof QuantError)) throw cause;
    throw new OnnxError(OnnxErrorCodes.QUANTIZATION, `${cause.message} (${cause.code})`, { tensor: name, cause });
  }
}

/**
 * Quantizes one float initializer into the codes, scale and zero point of a DequantizeLinear (or MatMulInteger /
 * ConvInteger): `zeroPointAlways` writes a zero point for the symmetric scheme too (quantize_dynamic always does).
 */
export function quantizeWeight(
  weight: TensorProto,
  dtype: WeightDType,
  shape: readonly number[],
  layout: WeightLayout,
  spec: CodeSpec,
  data: TensorData,
  zeroPointAlways = false,
): QuantizedWeight {
  const count = shape.reduce((p, d) => p * d, 1);
  const qt = quantizeValues(weight.name, weightValues(weight, dtype, shape, data), dtype, shape, layout, spec, spec.bits === 4);
  const codeType = CODE_TYPES[spec.bits][spec.scheme];
  const codes = tensorOf(codeType, shape, spec.bits === 4 ? (qt.data as Uint8Array) : littleEndianBytes(qt.data));
  const dims = scaleDims(shape, layout);
  const scale = tensorOf(dtype === 'float16' ? DataType.FLOAT16 : DataType.FLOAT, dims, scaleBytes(qt.scale, dtype));
  const zp = typeof qt.zeroPoint === 'number' ? [qt.zeroPoint] : qt.zeroPoint;
  const zeroPoint = spec.scheme === 'symmetric' && !zeroPointAlways ? undefined : tensorOf(codeType, dims, zeroPointBytes(zp, spec.bits));
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
