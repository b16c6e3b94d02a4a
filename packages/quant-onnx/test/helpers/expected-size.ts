import { toBinary } from '@bufbuild/protobuf';
import { forEachGraph } from '../../src/graph-walk.js';
import { ModelProtoSchema } from '../../src/generated/onnx_pb.js';
import { readOnnxModel, type OnnxQuantizationReport } from '../../src/index.js';

/**
 * The size a quantized model should have (issue 15): weights x bits / 8 + scales + zero points + the graph. The graph is
 * the output model with every initializer's raw_data removed (nodes, names, attributes: what the mode added included);
 * each quantized weight counts ceil(elements x bits / 8) bytes of codes (from its shape - K padded to whole blocks for
 * MatMulNBits - not from what was written) plus
 * its scales and zero points; the initializers left alone count their input payload.
 */
export function expectedModelBytes(input: Uint8Array, output: Uint8Array, report: OnnxQuantizationReport): number {
  const stripped = readOnnxModel(output);
  forEachGraph(stripped.graph!, (g) => g.initializer.forEach((t) => (t.rawData = new Uint8Array(0))));
  const quantized = new Set(report.weights.map((w) => w.name));
  let rest = 0;
  forEachGraph(readOnnxModel(input).graph!, (g) => g.initializer.forEach((t) => (rest += quantized.has(t.name) ? 0 : t.rawData.byteLength)));
  let payloads = 0;
  for (const w of report.weights) {
    // MatMulNBits stores whole blocks: K is padded to a multiple of the block size (the layout, not waste of ours).
    const [K, N] = w.shape as [number, number];
    const elements = w.readBy === 'MatMulNBits' && w.layout.granularity === 'block' ? Math.ceil(K / w.layout.blockSize) * w.layout.blockSize * N : w.shape.reduce((p, d) => p * d, 1);
    payloads += Math.ceil((elements * w.bits) / 8) + w.scaleBytes + w.zeroPointBytes;
  }
  return toBinary(ModelProtoSchema, stripped).byteLength + payloads + rest;
}
