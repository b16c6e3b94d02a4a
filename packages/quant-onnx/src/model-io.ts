import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { refuseExternalData } from './external-data.js';
import { ModelProtoSchema, type ModelProto } from './onnx.js';

/** Protocol buffers cannot serialize a message of 2 GiB or more (sizes are signed 32-bit). */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

const GIB = 2 ** 30;

/**
 * Decodes an ONNX model (a serialized ModelProto) whose tensors are all stored inside it. Refuses, with a stable code,
 * bytes that are not a ModelProto (E_ONNX_PARSE), more than 2 GiB (E_ONNX_TOO_LARGE) and external data
 * (E_ONNX_EXTERNAL_DATA). Tensor payloads are views of `bytes`, not copies: keep `bytes` unchanged while using the model.
 */
export function readOnnxModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new OnnxError(OnnxErrorCodes.PARSE, 'an ONNX model must be given as a Uint8Array (or Buffer)');
  if (bytes.byteLength > PROTOBUF_LIMIT) {
    throw new OnnxError(
      OnnxErrorCodes.TOO_LARGE,
      `the model is ${(bytes.byteLength / GIB).toFixed(2)} GiB, over the 2 GiB protobuf limit; such models keep their weights as external data, which is not supported yet`,
    );
  }
  if (bytes.byteLength === 0) throw new OnnxError(OnnxErrorCodes.PARSE, 'not an ONNX model: the input is empty');
  let model: ModelProto;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new OnnxError(OnnxErrorCodes.PARSE, `not an ONNX model, or a truncated one: protobuf decoding failed (${why})`, { cause });
  }
  if (model.graph === undefined) throw new OnnxError(OnnxErrorCodes.PARSE, 'not an ONNX model: the ModelProto has no graph');
  if (model.irVersion <= 0n) throw new OnnxError(OnnxErrorCodes.PARSE, 'not an ONNX model: the ModelProto has no ir_version');
  refuseExternalData(model);
  return model;
}

/** Serializes a model, refusing one over the 2 GiB protobuf limit (E_ONNX_TOO_LARGE). */
export function writeOnnxModel(model: ModelProto): Uint8Array {
  const bytes = toBinary(ModelProtoSchema, model);
  if (bytes.byteLength > PROTOBUF_LIMIT) {
    throw new OnnxError(
      OnnxErrorCodes.TOO_LARGE,
      `the output model would be ${(bytes.byteLength / GIB).toFixed(2)} GiB, over the 2 GiB protobuf limit; external data output is not supported yet`,
    );
  }
  return bytes;
}
