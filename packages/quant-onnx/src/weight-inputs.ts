import type { NodeProto } from './onnx.js';

/*
 * Which input of an operator is its weight, and along which axis its scales run. Per channel: the output-channel axis,
 * as onnxruntime's QDQ quantizer chooses it (onnxruntime/python/tools/quantization, docs/ONNX.md cites the commits):
 * MatMul B [K, N] axis 1 (QDQMatMul, default_axis=1), Gemm B axis 0 with transB=1 else 1 (QDQGemm), Conv W
 * [M, C/g, kH, kW] axis 0 and ConvTranspose W [C, M/g, ...] axis 1 (QDQConv). Blocks run along the reduction axis
 * instead (the axis a dot product sums over: K), as onnxruntime's weight-only quantizer blocks MatMul B along axis 0
 * (matmul_nbits_quantizer.py quant_axes). onnxruntime quantizes a Gather's data per tensor only; here its scales run
 * along the gathered axis (one scale per embedding row) and its blocks along the last other axis (within a row, as
 * quant_axes {Gather: 1} does for [vocab, dim]).
 */

export const SUPPORTED_OPS = ['MatMul', 'Gemm', 'Conv', 'ConvTranspose', 'Gather'] as const;
export type SupportedOp = (typeof SUPPORTED_OPS)[number];

export interface WeightInput {
  /** The input slot that holds the weight. */
  readonly input: number;
  /** The per-channel axis for a weight of this rank; undefined means per tensor (rank 0 or 1). */
  channelAxis(node: NodeProto, rank: number): number | undefined;
  /** The axis blocks run along; undefined means per tensor (rank 0). */
  blockAxis(node: NodeProto, rank: number): number | undefined;
}

function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = node.attribute.find((a) => a.name === name);
  return attribute === undefined ? fallback : Number(attribute.i);
}

/** Gather's `axis` attribute, made non-negative. */
function gatherAxis(node: NodeProto, rank: number): number {
  const axis = intAttribute(node, 'axis', 0);
  return axis < 0 ? axis + rank : axis;
}

const within = (axis: number, rank: number) => (axis >= 0 && axis < rank ? axis : undefined);

export const WEIGHT_INPUTS: Readonly<Record<SupportedOp, WeightInput>> = {
  MatMul: {
    input: 1,
    channelAxis: (_node, rank) => (rank >= 2 ? rank - 1 : undefined),
    blockAxis: (_node, rank) => (rank >= 2 ? rank - 2 : within(0, rank)),
  },
  Gemm: {
    input: 1,
    channelAxis: (node, rank) => (rank === 2 ? (intAttribute(node, 'transB', 0) !== 0 ? 0 : 1) : undefined),
    blockAxis: (node, rank) => (rank === 2 ? (intAttribute(node, 'transB', 0) !== 0 ? 1 : 0) : within(0, rank)),
  },
  Conv: {
    input: 1,
    channelAxis: (_node, rank) => (rank >= 2 ? 0 : undefined),
    blockAxis: (_node, rank) => (rank >= 2 ? 1 : within(0, rank)),
  },
  ConvTranspose: {
    input: 1,
    channelAxis: (_node, rank) => (rank >= 2 ? 1 : undefined),
    blockAxis: (_node, rank) => within(0, rank),
  },
  Gather: {
    input: 0,
    channelAxis: (node, rank) => (rank >= 2 ? within(gatherAxis(node, rank), rank) : undefined),
    blockAxis: (node, rank) => {
      if (rank < 2) return within(0, rank);
      const gathered = gatherAxis(node, rank);
      return gathered === rank - 1 ? rank - 2 : rank - 1;
    },
  },
};

/** The weight slot of a node of the default domain whose type is one of `ops`, if it has one. */
export function weightInputOf(node: NodeProto, ops: ReadonlySet<SupportedOp>): WeightInput | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  if (!ops.has(node.opType as SupportedOp)) return undefined;
  return WEIGHT_INPUTS[node.opType as SupportedOp];
}
