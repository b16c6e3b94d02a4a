import { formatCalibration } from '@quantkit/quant';
import type { Float16Report } from './float16/convert-model.js';
import type { NodeProto } from './onnx.js';
import type { OnnxBits, OnnxQuantMode, OnnxScheme } from './options.js';
import type { CodeSpec } from './quantize-weight.js';
import type { SelectedWeight, SkipReason, SkippedWeight } from './select-weights.js';
import type { WeightLayout } from './weight-layout.js';
import type { WeightDType } from './weight-values.js';

/** A node reading a weight: its type and its name (or "<op>#<index in its graph>" when it has none). */
export interface NodeRef {
  readonly op: string;
  readonly node: string;
}

/** The names given to one weight's new values (and, for a DequantizeLinear, its node and output). */
export interface WeightNames {
  readonly codes: string;
  readonly scale: string;
  readonly zeroPoint: string | undefined;
  /** DequantizeLinear only: its output, which every former reader of the weight now reads. */
  readonly output?: string;
  /** DequantizeLinear only: its node. */
  readonly node?: string;
}

/** What reads the codes: a DequantizeLinear (qdq, and Gather in dynamic), MatMulNBits, MatMulInteger or ConvInteger. */
export type CodesReader = 'DequantizeLinear' | 'MatMulNBits' | 'MatMulInteger' | 'ConvInteger';

/** The sizes and type of one weight's new payloads. */
export interface PayloadSizes {
  readonly codeType: string;
  readonly floatBytes: number;
  readonly codeBytes: number;
  readonly scaleBytes: number;
  readonly zeroPointBytes: number;
}

export interface QuantizedWeightReport {
  readonly name: string;
  /** "graph", or "graph/<node>.<attribute>" for a weight of a subgraph. */
  readonly graph: string;
  readonly dtype: WeightDType;
  readonly shape: readonly number[];
  /** The ONNX type of the codes: int8, uint8, int4, uint4, int16, uint16 (MatMulNBits: uint4 / uint8 in uint8 blobs). */
  readonly codeType: string;
  readonly bits: OnnxBits;
  readonly scheme: OnnxScheme;
  /** How each group's range was chosen, in the calibrator text form ('minmax', 'percentile:99.9', ...). */
  readonly calibrator: string;
  /** The layout of the scales over the float weight's own dims (MatMulNBits: blocks along K, axis 0). */
  readonly layout: WeightLayout;
  readonly readBy: CodesReader;
  /** The use that chose the layout (the first one through a weight input). */
  readonly firstUse: NodeRef;
  /** Later uses that would have chosen another layout; they read the same DequantizeLinear. */
  readonly conflicts: readonly (NodeRef & { readonly layout: WeightLayout })[];
  readonly names: WeightNames;
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
  readonly mode: OnnxQuantMode;
  /** The model's ai.onnx opset (unchanged). */
  readonly opset: number;
  /** The output's IR version (raised to 10 when int4/uint4 tensors are written into an older model). */
  readonly irVersion: number;
  readonly weights: readonly QuantizedWeightReport[];
  readonly skipped: readonly SkippedWeightReport[];
  /** With a plan: its patterns that matched no weight. */
  readonly plan?: { readonly unmatchedPatterns: readonly string[] };
  /** Mode 'fp16' and q4f16 (the float16 option): what the float16 conversion did. */
  readonly float16?: Float16Report;
  /** Bytes of the input model (with its external data files, when read from a file). */
  readonly inputBytes: number;
  /** Bytes of the output model (with its external data file). */
  readonly outputBytes: number;
  /** The output's external data file (its name beside the model), when one was written. */
  readonly externalData?: { readonly location: string; readonly bytes: number };
}

export function nodeRef(node: NodeProto, index: number): NodeRef {
  return { op: node.opType, node: node.name !== '' ? node.name : `${node.opType}#${index}` };
}

export function weightReport(weight: SelectedWeight, quantized: PayloadSizes, names: WeightNames, spec: CodeSpec, readBy: CodesReader, layout = weight.layout): QuantizedWeightReport {
  const { tensor, graphPath } = weight.initializer;
  return {
    name: tensor.name,
    graph: graphPath,
    dtype: weight.dtype,
    shape: weight.shape,
    codeType: quantized.codeType,
    bits: spec.bits,
    scheme: spec.scheme,
    calibrator: spec.calibration === undefined ? 'minmax' : formatCalibration(spec.calibration),
    layout,
    readBy,
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
