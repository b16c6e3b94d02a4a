import type { DequantizeNames } from './insert-dequantize.js';
import type { NodeProto } from './onnx.js';
import type { QuantizedWeight } from './quantize-weight.js';
import type { SelectedWeight, SkipReason, SkippedWeight } from './select-weights.js';
import type { WeightLayout } from './weight-layout.js';
import type { WeightDType } from './weight-values.js';

/** A node reading a weight: its type and its name (or "<op>#<index in its graph>" when it has none). */
export interface NodeRef {
  readonly op: string;
  readonly node: string;
}

export interface QuantizedWeightReport {
  readonly name: string;
  /** "graph", or "graph/<node>.<attribute>" for a weight of a subgraph. */
  readonly graph: string;
  readonly dtype: WeightDType;
  readonly shape: readonly number[];
  /** The ONNX type of the codes: int8, uint8, int4, uint4, int16, uint16. */
  readonly codeType: string;
  readonly layout: WeightLayout;
  /** The use that chose the layout (the first one through a weight input). */
  readonly firstUse: NodeRef;
  /** Later uses that would have chosen another layout; they read the same DequantizeLinear. */
  readonly conflicts: readonly (NodeRef & { readonly layout: WeightLayout })[];
  readonly names: DequantizeNames;
  readonly floatBytes: number;
  readonly codeBytes: number;
  readonly scaleBytes: number;
  readonly zeroPointBytes: number;
}

export interface SkippedWeightReport {
  readonly name: string;
  readonly graph: string;
  readonly reason: SkipReason;
}

export interface OnnxQuantizationReport {
  /** The model's ai.onnx opset (unchanged). */
  readonly opset: number;
  /** The output's IR version (raised to 10 when int4/uint4 tensors are written into an older model). */
  readonly irVersion: number;
  readonly weights: readonly QuantizedWeightReport[];
  readonly skipped: readonly SkippedWeightReport[];
  readonly inputBytes: number;
  readonly outputBytes: number;
}

export function nodeRef(node: NodeProto, index: number): NodeRef {
  return { op: node.opType, node: node.name !== '' ? node.name : `${node.opType}#${index}` };
}

export function weightReport(weight: SelectedWeight, quantized: QuantizedWeight, names: DequantizeNames): QuantizedWeightReport {
  const { tensor, graphPath } = weight.initializer;
  return {
    name: tensor.name,
    graph: graphPath,
    dtype: weight.dtype,
    shape: weight.shape,
    codeType: quantized.codeType,
    layout: weight.layout,
    firstUse: nodeRef(weight.firstUse.node, weight.firstUse.nodeIndex),
    conflicts: weight.conflicts.map((c) => ({ ...nodeRef(c.use.node, c.use.nodeIndex), layout: c.layout })),
    names,
    floatBytes: quantized.floatBytes,
    codeBytes: quantized.codeBytes,
    scaleBytes: quantized.scaleBytes,
    zeroPointBytes: quantized.zeroPointBytes,
  };
}

export function skippedReport(s: SkippedWeight): SkippedWeightReport {
  return { name: s.initializer.tensor.name, graph: s.initializer.graphPath, reason: s.reason };
}
