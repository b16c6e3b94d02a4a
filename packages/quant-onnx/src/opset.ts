import { OnnxError, OnnxErrorCodes } from './errors.js';
import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema, type ModelProto } from './onnx.js';
import type { ResolvedOptions } from './options.js';

/** What a DequantizeLinear needs, with the opset that introduced it (onnx docs/Changelog.md). */
export interface OpsetNeed {
  readonly opset: number;
  readonly why: string;
}

/**
 * The newest ai.onnx opset this package knows: the newest onnxruntime-node 1.30.0 (the runtime the proofs use) loads.
 * A model importing a later one is refused: its operators may have versions whose inputs and attributes differ from
 * the ones the weight rules here were written for.
 */
export const LATEST_KNOWN_OPSET = 26;

/** The version of the default ('' or 'ai.onnx') operator set the model imports (refused when unknown). */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (entry === undefined) throw new OnnxError(OnnxErrorCodes.INVALID, 'the model imports no default-domain (ai.onnx) operator set');
  const version = Number(entry.version);
  if (version < 1) throw new OnnxError(OnnxErrorCodes.INVALID, `the model imports ai.onnx opset ${entry.version}, which does not exist`);
  if (version > LATEST_KNOWN_OPSET) {
    throw new OnnxError(OnnxErrorCodes.OPSET, `the model imports ai.onnx opset ${version}, which is unknown here (the latest known is ${LATEST_KNOWN_OPSET})`);
  }
  return version;
}

/** The opset the options' DequantizeLinear nodes need (no opset conversion is done). */
export function opsetNeededBy(options: ResolvedOptions): OpsetNeed {
  if (options.mode === 'fp16') return { opset: 1, why: 'the float16 conversion (Cast)' };
  if (options.mode === 'matmul-nbits') return { opset: 1, why: 'com.microsoft.MatMulNBits (its own domain)' };
  if (options.mode === 'dynamic') return { opset: 11, why: 'DynamicQuantizeLinear (mode dynamic)' };
  if (options.granularity === 'block') return { opset: 21, why: 'blocked DequantizeLinear (block_size)' };
  if (options.bits === 4) return { opset: 21, why: `${options.scheme === 'symmetric' ? 'int4' : 'uint4'} DequantizeLinear` };
  if (options.bits === 16) return { opset: 21, why: `${options.scheme === 'symmetric' ? 'int16' : 'uint16'} DequantizeLinear` };
  if (options.granularity === 'channel') return { opset: 13, why: 'per-channel DequantizeLinear (axis)' };
  return { opset: 10, why: 'DequantizeLinear' };
}

/** float16 scales (and so a float16 DequantizeLinear output) arrived with DequantizeLinear-19. */
export const FLOAT16_NEED: OpsetNeed = { opset: 19, why: 'a float16 DequantizeLinear (float16 weights)' };

export function refuseLowOpset(have: number, need: OpsetNeed): void {
  if (have >= need.opset) return;
  throw new OnnxError(
    OnnxErrorCodes.OPSET,
    `${need.why} needs opset ${need.opset}; the model imports ai.onnx opset ${have} (convert the model to opset ${need.opset} or later first; quantkit does not convert opsets)`,
  );
}

/** int4/uint4 tensors are IR version 10 (onnx/helper.py VERSION_TABLE); an older model header is raised to it. */
export const INT4_IR_VERSION = 10n;

/** The contrib-op domain of onnxruntime (MatMulNBits), imported at version 1 when a mode writes one of its operators. */
export const MICROSOFT_DOMAIN = 'com.microsoft';

export function importMicrosoftDomain(model: ModelProto): void {
  if (model.opsetImport.some((o) => o.domain === MICROSOFT_DOMAIN)) return;
  model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: MICROSOFT_DOMAIN, version: 1n }));
}
