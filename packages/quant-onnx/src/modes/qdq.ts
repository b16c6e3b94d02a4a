import { insertDequantize } from '../insert-dequantize.js';
import type { GraphProto, NodeProto } from '../onnx.js';
import { quantizeWeight, type CodeSpec } from '../quantize-weight.js';
import { weightReport, type QuantizedWeightReport } from '../report.js';
import type { SelectedWeight } from '../select-weights.js';
import { codeSpec, type ModeContext, type QuantizationMode } from './mode-context.js';

/**
 * Replaces each weight by codes + scale (+ zero point) feeding a DequantizeLinear at the start of the graph that owns
 * it; every reader reads its output. Also used by 'dynamic' for Gather's data (weight-only there too).
 */
export function dequantizeWeights(weights: readonly SelectedWeight[], ctx: ModeContext, specOf: (w: SelectedWeight) => CodeSpec): QuantizedWeightReport[] {
  const dequantizeNodes = new Map<GraphProto, NodeProto[]>();
  const reports: QuantizedWeightReport[] = [];
  for (const weight of weights) {
    const spec = specOf(weight);
    const quantized = quantizeWeight(weight.initializer.tensor, weight.dtype, weight.shape, weight.layout, spec, ctx.data);
    const inserted = insertDequantize(weight, quantized, ctx.names);
    for (const t of [quantized.codes, quantized.scale, quantized.zeroPoint]) if (t !== undefined) ctx.sink.store(t);
    const owner = weight.initializer.graph;
    if (!dequantizeNodes.has(owner)) dequantizeNodes.set(owner, []);
    dequantizeNodes.get(owner)!.push(inserted.node);
    reports.push(weightReport(weight, quantized, inserted.names, spec, 'DequantizeLinear'));
  }
  for (const [owner, nodes] of dequantizeNodes) owner.node = [...nodes, ...owner.node];
  return reports;
}

export const QDQ_MODE: QuantizationMode = {
  plan: (selected) => ({ rewrite: [...selected], skipped: [] }),
  run: (weights, ctx) => dequantizeWeights(weights, ctx, (w) => codeSpec(w.options ?? ctx.options)),
};
