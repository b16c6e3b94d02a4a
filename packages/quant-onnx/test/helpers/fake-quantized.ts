import { toBinary } from '@bufbuild/protobuf';
import { fakeQuantize } from '@quantkit/quant';
import { forEachGraph } from '../../src/graph-walk.js';
import { ModelProtoSchema, TensorProto_DataType as DataType, type TensorProto } from '../../src/generated/onnx_pb.js';
import { readOnnxModel } from '../../src/model-io.js';
import type { OnnxQuantizationReport, QuantizeOnnxOptions, WeightLayout } from '../../src/index.js';

/*
 * The oracle's other half: the ORIGINAL model with each weight the report lists replaced by quantkit's fakeQuantize of
 * it (same scheme, bits, and the layout the report says was used). Run in onnxruntime, it must give the quantized
 * model's outputs bit for bit: DequantizeLinear computes fl((q - zp) * s), which is fakeQuantize's value.
 */

function granularity(layout: WeightLayout) {
  if (layout.granularity === 'tensor') return 'tensor' as const;
  if (layout.granularity === 'channel') return { axis: layout.axis };
  return { axis: layout.axis, blockSize: layout.blockSize };
}

function replaceValues(t: TensorProto, layout: WeightLayout, shape: readonly number[], options: QuantizeOnnxOptions): void {
  const common = { scheme: options.scheme ?? 'symmetric', bits: options.bits ?? 8, shape, granularity: granularity(layout) };
  if (t.dataType === DataType.FLOAT16) {
    const bits = new Uint16Array(t.rawData.slice().buffer);
    const fq = fakeQuantize(bits, { ...common, dtype: 'float16' });
    t.rawData = new Uint8Array(fq.buffer, fq.byteOffset, fq.byteLength);
    return;
  }
  const values = new Float32Array(t.rawData.slice().buffer);
  const fq = fakeQuantize(values, common) as Float32Array;
  t.rawData = new Uint8Array(fq.buffer, fq.byteOffset, fq.byteLength);
}

export function fakeQuantizedModel(original: Uint8Array, report: OnnxQuantizationReport, options: QuantizeOnnxOptions): Uint8Array {
  const model = readOnnxModel(original);
  const byName = new Map(report.weights.map((w) => [w.name, w]));
  forEachGraph(model.graph!, (graph) => {
    for (const t of graph.initializer) {
      const w = byName.get(t.name);
      if (w !== undefined) replaceValues(t, w.layout, w.shape, options);
    }
  });
  return toBinary(ModelProtoSchema, model);
}
