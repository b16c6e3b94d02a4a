import { OnnxError, OnnxErrorCodes } from './errors.js';
import { DataLocation, type TensorProto } from './onnx.js';

/** Where tensor payloads are read from: the model itself, or external data files beside it. */
export interface TensorData {
  /**
   * The payload of a tensor whose data is external, valid until the next call (a reader may reuse its buffer); the
   * inline source refuses (it has no folder to read from).
   */
  externalBytes(t: TensorProto): Uint8Array;
}

/** Where new tensors' payloads go: left in the model (raw_data), or moved to an external data file. */
export interface TensorSink {
  store(t: TensorProto): void;
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === DataLocation.EXTERNAL || t.externalData.length > 0;
}

/** Models given as bytes: every payload must be inside the model. */
export const INLINE_DATA: TensorData = {
  externalBytes(t) {
    throw new OnnxError(
      OnnxErrorCodes.EXTERNAL_DATA,
      'the model stores this tensor in an external data file; give the model as a file (quantizeOnnxFile, or the quant onnx command) so its folder can be read',
      { tensor: t.name },
    );
  },
};

export const KEEP_INLINE: TensorSink = { store() {} };
