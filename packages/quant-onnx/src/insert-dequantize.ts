import { create } from '@bufbuild/protobuf';
import { replaceInitializer } from './replace-initializer.js';
import { AttributeProtoSchema, AttributeType, NodeProtoSchema, type AttributeProto, type NodeProto } from './onnx.js';
import type { QuantizedWeight } from './quantize-weight.js';
import type { WeightNames } from './report.js';
import type { SelectedWeight } from './select-weights.js';
import type { UniqueNames } from './unique-names.js';
import type { WeightLayout } from './weight-layout.js';

/** The names given to one weight's new values and node (onnxruntime's suffixes, made unique). */
export interface DequantizeNames extends WeightNames {
  /** The DequantizeLinear's output, which every former reader of the weight now reads. */
  readonly output: string;
  readonly node: string;
}

function intAttribute(name: string, value: number): AttributeProto {
  return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value) });
}

function attributesOf(layout: WeightLayout): AttributeProto[] {
  if (layout.granularity === 'tensor') return [];
  if (layout.granularity === 'channel') return [intAttribute('axis', layout.axis)];
  return [intAttribute('axis', layout.axis), intAttribute('block_size', layout.blockSize)];
}

/**
 * Replaces the float initializer of `weight` by `quantized`'s initializers and a DequantizeLinear whose output every
 * reader of the weight (in its graph and in subgraphs) now reads. Returns the DequantizeLinear node, which the caller
 * puts before the graph's other nodes (its inputs are all initializers).
 */
export function insertDequantize(weight: SelectedWeight, quantized: QuantizedWeight, names: UniqueNames): { node: NodeProto; names: DequantizeNames } {
  const { tensor, graph, uses } = weight.initializer;
  const base = tensor.name;
  const given: DequantizeNames = {
    codes: names.claim(`${base}_quantized`),
    scale: names.claim(`${base}_scale`),
    zeroPoint: quantized.zeroPoint === undefined ? undefined : names.claim(`${base}_zero_point`),
    output: names.claim(`${base}_DequantizeLinear_Output`),
    node: names.claim(`${base}_DequantizeLinear`),
  };
  quantized.codes.name = given.codes;
  quantized.scale.name = given.scale;
  const added = [quantized.codes, quantized.scale];
  if (quantized.zeroPoint !== undefined) {
    quantized.zeroPoint.name = given.zeroPoint!;
    added.push(quantized.zeroPoint);
  }
  replaceInitializer(graph, tensor, added);
  for (const use of uses) use.node.input[use.input] = given.output;
  for (const info of graph.valueInfo) if (info.name === base) info.name = given.output;
  const node = create(NodeProtoSchema, {
    name: given.node,
    opType: 'DequantizeLinear',
    input: given.zeroPoint === undefined ? [given.codes, given.scale] : [given.codes, given.scale, given.zeroPoint],
    output: [given.output],
    attribute: attributesOf(weight.layout),
  });
  return { node, names: given };
}
