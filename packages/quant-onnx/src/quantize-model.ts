import { OnnxError, OnnxErrorCodes } from './errors.js';
import { findInitializers } from './find-initializers.js';
import { insertDequantize } from './insert-dequantize.js';
import { readOnnxModel, writeOnnxModel } from './model-io.js';
import type { GraphProto, NodeProto } from './onnx.js';
import { defaultOpset, FLOAT16_NEED, INT4_IR_VERSION, opsetNeededBy, refuseLowOpset } from './opset.js';
import { resolveOptions, type QuantizeOnnxOptions } from './options.js';
import { quantizeWeight } from './quantize-weight.js';
import { skippedReport, weightReport, type OnnxQuantizationReport, type QuantizedWeightReport } from './report.js';
import { selectWeights, type WeightSelection } from './select-weights.js';
import { UniqueNames } from './unique-names.js';

export interface OnnxQuantizationResult {
  /** The quantized model (a serialized ModelProto). */
  readonly model: Uint8Array;
  readonly report: OnnxQuantizationReport;
}

function refuseEmptySelection(selection: WeightSelection): void {
  if (selection.selected.length > 0) return;
  if (selection.alreadyQuantized > 0) {
    throw new OnnxError(
      OnnxErrorCodes.ALREADY_QUANTIZED,
      `the model is already quantized: ${selection.alreadyQuantized} initializer(s) feed QuantizeLinear/DequantizeLinear and no float weight is left to quantize`,
    );
  }
  const skipped = selection.skipped.length > 0 ? ` (${selection.skipped.map((s) => `'${s.initializer.tensor.name}': ${s.reason}`).join(', ')})` : '';
  throw new OnnxError(OnnxErrorCodes.NOTHING_TO_QUANTIZE, `no float initializer feeds a weight input of the selected operators${skipped}`);
}

/**
 * Quantizes an ONNX model's weights (mode 'qdq', weight-only): each selected float initializer becomes integer codes,
 * a scale and (affine) a zero point feeding a DequantizeLinear whose output its readers now read. Activations stay
 * float. Bytes in, bytes out; every refusal is an OnnxError with a stable code.
 */
export function quantizeOnnxModelWithReport(bytes: Uint8Array, options: QuantizeOnnxOptions = {}): OnnxQuantizationResult {
  const resolved = resolveOptions(options);
  const model = readOnnxModel(bytes);
  const opset = defaultOpset(model);
  refuseLowOpset(opset, opsetNeededBy(resolved));
  const graph = model.graph!;
  const selection = selectWeights(findInitializers(graph), resolved);
  refuseEmptySelection(selection);
  if (selection.selected.some((w) => w.dtype === 'float16')) refuseLowOpset(opset, FLOAT16_NEED);

  const names = new UniqueNames(graph);
  const dequantizeNodes = new Map<GraphProto, NodeProto[]>();
  const weights: QuantizedWeightReport[] = [];
  for (const weight of selection.selected) {
    const quantized = quantizeWeight(weight.initializer.tensor, weight.dtype, weight.shape, weight.layout, resolved);
    const inserted = insertDequantize(weight, quantized, names);
    const owner = weight.initializer.graph;
    if (!dequantizeNodes.has(owner)) dequantizeNodes.set(owner, []);
    dequantizeNodes.get(owner)!.push(inserted.node);
    weights.push(weightReport(weight, quantized, inserted.names));
  }
  for (const [owner, nodes] of dequantizeNodes) owner.node = [...nodes, ...owner.node];
  if (resolved.bits === 4 && model.irVersion < INT4_IR_VERSION) model.irVersion = INT4_IR_VERSION;

  const out = writeOnnxModel(model);
  return {
    model: out,
    report: {
      opset,
      irVersion: Number(model.irVersion),
      weights,
      skipped: selection.skipped.map(skippedReport),
      inputBytes: bytes.byteLength,
      outputBytes: out.byteLength,
    },
  };
}

/** quantizeOnnxModelWithReport without the report: the quantized model's bytes. */
export function quantizeOnnxModel(bytes: Uint8Array, options: QuantizeOnnxOptions = {}): Uint8Array {
  return quantizeOnnxModelWithReport(bytes, options).model;
}
