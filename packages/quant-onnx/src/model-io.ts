import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { refuseUnsupportedExternalData } from './external-data.js';
import { forEachGraph } from './graph-walk.js';
import { isExternal } from './tensor-data.js';
import { ModelProtoSchema, type ModelProto } from './onnx.js';

/** Protocol buffers cannot serialize a message of 2 GiB or more (sizes are signed 32-bit). */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

const GIB = 2 ** 30;

/**
 * Decodes an ONNX model (a serialized ModelProto) whose tensors are all stored inside it. Refuses, with a stable code,
 * bytes that are not a ModelProto (E_ONNX_PARSE), more than 2 GiB (E_ONNX_TOO_LARGE) and external data
 * (E_ONNX_EXTERNAL_DATA: bytes carry no folder to read it from; quantizeOnnxFile reads it). Tensor payloads are views of
 * `bytes`, not copies: keep `bytes` unchanged while using the model.
 */
export function readOnnxModel(bytes: Uint8Array): ModelProto {
  const model = decodeOnnxModel(bytes);
  const external = firstExternalInitializer(model);
  if (external !== undefined) {
    throw new OnnxError(
      OnnxErrorCodes.EXTERNAL_DATA,
      `the model stores tensor data in external files (tensor '${external}', data_location EXTERNAL); give it as a file (quantizeOnnxFile, or quant onnx) so the data beside it can be read`,
    );
  }
  return model;
}

function firstExternalInitializer(model: ModelProto): string | undefined {
  let found: string | undefined;
  if (model.graph !== undefined) forEachGraph(model.graph, (g) => (found ??= g.initializer.find(isExternal)?.name));
  return found;
}

/** A serialized model of more than 2 GiB cannot be a protobuf: E_ONNX_TOO_LARGE, before anything is read or decoded. */
export function refuseOverLimit(byteLength: number): void {
  if (byteLength <= PROTOBUF_LIMIT) return;
  throw new OnnxError(
    OnnxErrorCodes.TOO_LARGE,
    `the model is ${(byteLength / GIB).toFixed(2)} GiB, over the 2 GiB protobuf limit; such a model must keep its weights as external data (.onnx + .onnx_data)`,
  );
}

/** readOnnxModel without the external-data refusal (external tensors are left as references): quantizeOnnxFile's decoder. */
export function decodeOnnxModel(bytes: Uint8Array): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new OnnxError(OnnxErrorCodes.PARSE, 'an ONNX model must be given as a Uint8Array (or Buffer)');
  refuseOverLimit(bytes.byteLength);
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
  refuseUnsupportedExternalData(model);
  return model;
}

/** Serializes a model, refusing one over the 2 GiB protobuf limit (E_ONNX_TOO_LARGE). */
export function writeOnnxModel(model: ModelProto): Uint8Array {
  const bytes = toBinary(ModelProtoSchema, model);
  if (bytes.byteLength > PROTOBUF_LIMIT) {
    throw new OnnxError(
      OnnxErrorCodes.TOO_LARGE,
      `the output model would be ${(bytes.byteLength / GIB).toFixed(2)} GiB, over the 2 GiB protobuf limit; quantize it from a file with external data (quantizeOnnxFile / quant onnx writes large payloads to an external data file)`,
    );
  }
  return bytes;
}
