import { toBinary } from '@bufbuild/protobuf';
import { fakeQuantize, parseCalibration } from '@quantkit/quant';
import { forEachGraph } from '../../src/graph-walk.js';
import { ModelProtoSchema, TensorProto_DataType as DataType, type TensorProto } from '../../src/generated/onnx_pb.js';
import { readOnnxModel } from '../../src/model-io.js';
import type { OnnxQuantizationReport, QuantizedWeightReport, QuantizeOnnxOptions, WeightLayout } from '../../src/index.js';

/*
 * The oracle's other half: the ORIGINAL model with each weight the report lists replaced by quantkit's fakeQuantize of
 * it (the scheme, bits, layout and calibrator the report gives for it). Run in onnxruntime, it must give the quantized
 * model's outputs bit for bit: DequantizeLinear computes fl((q - zp) * s), which is fakeQuantize's value.
 */

function granularity(layout: WeightLayout) {
  if (layout.granularity === 'tensor') return 'tensor' as const;
  if (layout.granularity === 'channel') return { axis: layout.axis };
  return { axis: layout.axis, blockSize: layout.blockSize };
}

function replaceValues(t: TensorProto, w: QuantizedWeightReport, options: QuantizeOnnxOptions): void {
  void options;
  const range = w.calibrator === 'minmax' ? {} : { range: parseCalibration(w.calibrator) };
  const common = { scheme: w.scheme, bits: w.bits, shape: w.shape, granularity: granularity(w.layout), ...range };
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
      if (w !== undefined) replaceValues(t, w, options);
    }
  });
  return toBinary(ModelProtoSchema, model);
}
