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
  /** The model keeps tensor data in external files (data_location EXTERNAL): not supported yet. */
  EXTERNAL_DATA: 'E_ONNX_EXTERNAL_DATA',
  /** The model (input or output) is over the 2 GiB protobuf limit: not supported yet (it needs external data). */
  TOO_LARGE: 'E_ONNX_TOO_LARGE',
  /** Every weight the options select is already quantized (feeds a DequantizeLinear / QuantizeLinear). */
  ALREADY_QUANTIZED: 'E_ONNX_ALREADY_QUANTIZED',
  /** No initializer feeds a weight input of the selected operators (after --exclude). */
  NOTHING_TO_QUANTIZE: 'E_ONNX_NOTHING_TO_QUANTIZE',
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
