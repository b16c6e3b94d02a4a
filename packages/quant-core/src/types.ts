/** Float inputs quantkit accepts. The array type decides the arithmetic precision (see docs/SPEC.md). */
export type FloatArray = Float32Array | Float64Array;

/** Unpacked integer storage: 2..8 bits in (U)Int8Array, 9..16 bits in (U)Int16Array. */
export type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array;

export type Scheme = 'affine' | 'symmetric';

/**
 * `onnx`: q = saturate(roundHalfEven(x / scale) + zeroPoint) with a true division (ONNX QuantizeLinear, onnxruntime).
 * `pytorch`: the division is replaced by a multiply with fl(1 / fl(scale)) (torch.quantize_per_tensor, FBGEMM).
 */
export type Profile = 'onnx' | 'pytorch';

export type FloatDType = 'float32' | 'float64';

/** Half-precision inputs: IEEE binary16 and bfloat16, held as Uint16Array bit patterns (or a Float16Array). */
export type HalfDType = 'float16' | 'bfloat16';

/** The precision of a tensor's original values (QuantizedTensor.dtype). */
export type TensorDType = FloatDType | HalfDType;

/**
 * What quantize accepts: a Float32Array or Float64Array, or half-precision bit patterns in a Uint16Array (with the
 * `dtype` option saying which half type), or a Float16Array where the runtime has one.
 */
export type QuantInput = FloatArray | Uint16Array;

export type Granularity = 'tensor' | { axis: number } | { axis: number; blockSize: number };

/** The integer interval a kernel saturates to, and how it divides. */
export interface KernelSpec {
  readonly qmin: number;
  readonly qmax: number;
  readonly profile: Profile;
}

/** Per-axis layout of a row-major tensor: shape collapsed to [outer, channels, inner]. Scale index = channel. */
export interface AxisLayout {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

/**
 * Blocked layout: shape collapsed to [outer, dim, inner] with blocks of `blockSize` along `dim` (the last one may be
 * partial). Scales have shape [outer, ceil(dim / blockSize), inner]; element (o, d, i) uses scale
 * (o * blocks + floor(d / blockSize)) * inner + i, as ONNX QuantizeLinear-21 blocked quantization does.
 */
export interface BlockLayout {
  readonly outer: number;
  readonly dim: number;
  readonly inner: number;
  readonly blockSize: number;
}

export interface MinMax {
  readonly min: number;
  readonly max: number;
}

/**
 * Error metrics of an approximation against a reference (SPEC §6). Pairs where either value is NaN are left out of
 * every metric and counted in `nanCount`; the metrics describe the remaining pairs, and are all NaN when none remain.
 */
export interface QuantizationErrorReport {
  /** mean((reference - approx)^2) */
  readonly mse: number;
  readonly rmse: number;
  /** max |reference - approx| */
  readonly maxAbs: number;
  /** mean |reference - approx| */
  readonly meanAbs: number;
  /** 10 log10(sum(reference^2) / sum((reference - approx)^2)); +Infinity when there is no error. */
  readonly sqnrDb: number;
  /** dot(reference, approx) / (|reference| |approx|); 1 when both are all zero. */
  readonly cosine: number;
  /** Pairs left out because the reference or the approximation is NaN. */
  readonly nanCount: number;
}

export interface QuantizedTensor {
  /** Integer codes; for packed tensors, the packed bytes (ONNX order: element 0 in the low bits). */
  readonly data: IntArray;
  /** A number for per-tensor; for per-axis and blocked, one scale per group (same precision as `dtype`). */
  readonly scale: number | FloatArray;
  /** A number for per-tensor; an Int32Array (one per group) otherwise. */
  readonly zeroPoint: number | Int32Array;
  readonly scheme: Scheme;
  readonly bits: number;
  readonly shape: readonly number[];
  /** Normalised (non-negative) axis for per-axis and blocked tensors. */
  readonly axis?: number;
  readonly blockSize?: number;
  readonly packed: boolean;
  readonly narrowRange: boolean;
  readonly profile: Profile;
  /**
   * Precision of the original input, and the default precision of `dequantize`. Half-precision tensors
   * ('float16', 'bfloat16') have scales that are values of that type (held as float32 numbers).
   */
  readonly dtype: TensorDType;
}
