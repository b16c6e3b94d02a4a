/**
 * Stable machine-readable codes of everything @quantkit/quant-onnx refuses on purpose. Codes never change meaning;
 * messages may be improved. (Same `E_*` style as the `quant` CLI's codes; docs/ONNX.md lists them.)
 */
export const OnnxErrorCodes = {
  /** The bytes are not a protobuf ModelProto: a decode error (random bytes, truncated file) or no graph at all. */
  PARSE: 'E_ONNX_PARSE',
  /** A ModelProto that breaks a rule of the ONNX IR this package relies on (tensor data of the wrong length...). */
  INVALID: 'E_ONNX_INVALID',
  /** The model's default-domain opset is below what the requested mode writes; the message names the opset needed. */
  OPSET: 'E_ONNX_OPSET',
  /**
   * External data this call cannot read: bytes given without the model's folder (use quantizeOnnxFile), external data
   * in a node attribute or a sparse initializer, or a malformed external_data entry (offset, length).
   */
  EXTERNAL_DATA: 'E_ONNX_EXTERNAL_DATA',
  /** An external data file named by a tensor does not exist (or is not a regular file). */
  EXTERNAL_DATA_MISSING: 'E_ONNX_EXTERNAL_DATA_MISSING',
  /** An external data file is shorter than a tensor's offset + length, or the length disagrees with the dims. */
  EXTERNAL_DATA_SHORT: 'E_ONNX_EXTERNAL_DATA_SHORT',
  /** An external data location is absolute or leads outside the model's folder (path traversal). */
  EXTERNAL_DATA_PATH: 'E_ONNX_EXTERNAL_DATA_PATH',
  /** A model over the 2 GiB protobuf limit (its weights must be external data), or an output that would be. */
  TOO_LARGE: 'E_ONNX_TOO_LARGE',
  /** A weight read by operators of different kinds (or through a non-weight input) in a mode that rewrites its readers. */
  SHARED_WEIGHT: 'E_ONNX_SHARED_WEIGHT',
  /** Every weight the options select is already quantized (feeds a DequantizeLinear / QuantizeLinear). */
  ALREADY_QUANTIZED: 'E_ONNX_ALREADY_QUANTIZED',
  /** No initializer feeds a weight input of the selected operators (after --exclude). */
  NOTHING_TO_QUANTIZE: 'E_ONNX_NOTHING_TO_QUANTIZE',
  /**
   * A plan (the `plan` option, `--plan`) that cannot be applied: a choice that does not fit the mode or ONNX (a GGML
   * type, the pytorch profile, bits the mode lacks), or an exact name that is no weight of the model. The cause is a
   * QuantError with the plan format's code (ERR_QUANT_PLAN_NOT_APPLICABLE, ERR_QUANT_PLAN_UNKNOWN_TENSOR).
   */
  PLAN: 'E_ONNX_PLAN',
  /**
   * The float16 conversion (mode 'fp16', option float16) cannot convert this model: a subgraph of an operator other than
   * If / Loop / Scan, or a value whose element type cannot be told (an operator it does not know, without value_info).
   */
  FLOAT16: 'E_ONNX_FLOAT16',
  /** The float16 conversion found no float32 tensor to convert: the model is float16 already. */
  ALREADY_FLOAT16: 'E_ONNX_ALREADY_FLOAT16',
  /** An option is unknown or has a value this package does not accept. */
  OPTION: 'E_ONNX_OPTION',
  /** @quantkit/quant refused a weight (e.g. ±Infinity in its data); the cause is the QuantError. */
  QUANTIZATION: 'E_ONNX_QUANTIZATION',
} as const;

export type OnnxErrorCode = (typeof OnnxErrorCodes)[keyof typeof OnnxErrorCodes];

/** An error of @quantkit/quant-onnx: a stable `code` and, when one tensor is to blame, its name. */
export class OnnxError extends Error {
  readonly code: OnnxErrorCode;
  readonly tensor: string | undefined;

  constructor(code: OnnxErrorCode, message: string, options: { tensor?: string; cause?: unknown } = {}) {
    super(options.tensor === undefined ? message : `tensor '${options.tensor}': ${message}`, { cause: options.cause });
    this.name = 'OnnxError';
    this.code = code;
    this.tensor = options.tensor;
  }
}
