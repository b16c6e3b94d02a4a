import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { forEachGraph } from '../../src/graph-walk.js';
import { ModelProtoSchema, NodeProtoSchema, type NodeProto } from '../../src/generated/onnx_pb.js';
import type { OnnxQuantizationReport, QuantizeOnnxOptions } from '../../src/index.js';
import { fakeQuantizedModel } from './fake-quantized.js';

/*
 * The float twin of a 'dynamic' model: the original model with quantkit's fakeQuantize of each weight (as
 * fakeQuantizedModel) and, in front of every MatMul / Conv whose weight was quantized, the same activation quantization
 * run in float: DynamicQuantizeLinear -> DequantizeLinear. It computes sum(x^ * w^) in float where the dynamic model
 * computes float(sum of integer products) * (x_scale * w_scale): the same codes, another rounding (see docs/ONNX.md).
 */
export function dynamicReferenceModel(original: Uint8Array, report: OnnxQuantizationReport, options: QuantizeOnnxOptions): Uint8Array {
  const model = fromBinary(ModelProtoSchema, fakeQuantizedModel(original, report, options));
  const integer = new Set(report.weights.filter((w) => w.readBy === 'MatMulInteger' || w.readBy === 'ConvInteger').map((w) => w.name));
  let counter = 0;
  forEachGraph(model.graph!, (graph) => {
    graph.node = graph.node.flatMap((node): NodeProto[] => {
      if (!integer.has(node.input[1] ?? '')) return [node];
      const a = node.input[0]!;
      const k = counter++;
      const [q, s, zp, dq] = [`ref${k}_q`, `ref${k}_s`, `ref${k}_zp`, `ref${k}_dq`];
      node.input[0] = dq;
      return [
        create(NodeProtoSchema, { opType: 'DynamicQuantizeLinear', input: [a], output: [q, s, zp] }),
        create(NodeProtoSchema, { opType: 'DequantizeLinear', input: [q, s, zp], output: [dq] }),
        node,
      ];
    });
  });
  return toBinary(ModelProtoSchema, model);
}
