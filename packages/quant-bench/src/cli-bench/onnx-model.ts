import { create, toBinary } from '@bufbuild/protobuf';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from '@quantkit/quant-onnx';
import { benchInput } from '../data.js';

/** The ONNX rows' model: `layers` MatMuls of [dim, dim] float32 weights in a chain, all weights in model.onnx_data. */
export interface OnnxBenchModel {
  readonly path: string;
  /** Bytes of float32 weights (the external data file). */
  readonly weightBytes: number;
  readonly layers: number;
  readonly dim: number;
}

function tensorValue(name: string, dims: readonly (number | string)[]): onnx.ValueInfoProto {
  const dim = dims.map((d) => create(onnx.TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }));
  const tensorType = create(onnx.TypeProto_TensorSchema, { elemType: onnx.TensorProto_DataType.FLOAT, shape: create(onnx.TensorShapeProtoSchema, { dim }) });
  return create(onnx.ValueInfoProtoSchema, { name, type: create(onnx.TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

/**
 * Writes x -> MatMul(W0) -> ... -> MatMul(W{layers-1}) -> y with [dim, dim] float32 weights as external data, the
 * way onnx's save_as_external_data lays it out (one file, tensors one after another). Each weight is the benchmark
 * pattern scaled by its own factor (different parameters per tensor); the file is written one weight at a time.
 */
export function writeOnnxBenchModel(dir: string, layers: number, dim: number): OnnxBenchModel {
  const elements = dim * dim;
  const base = benchInput(elements);
  const dataName = 'model.onnx_data';
  const fd = openSync(join(dir, dataName), 'w');
  const initializers: onnx.TensorProto[] = [];
  const nodes: onnx.NodeProto[] = [];
  const scaled = new Float32Array(elements);
  try {
    for (let i = 0; i < layers; i++) {
      const factor = (0.5 + i / layers) / Math.sqrt(dim);
      for (let k = 0; k < elements; k++) scaled[k] = base[k]! * factor;
      const bytes = new Uint8Array(scaled.buffer);
      let done = 0;
      while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
      const name = `layers.${String(i).padStart(3, '0')}.weight`;
      const entry = (key: string, value: string) => create(onnx.StringStringEntryProtoSchema, { key, value });
      initializers.push(
        create(onnx.TensorProtoSchema, {
          name,
          dataType: onnx.TensorProto_DataType.FLOAT,
          dims: [BigInt(dim), BigInt(dim)],
          dataLocation: onnx.TensorProto_DataLocation.EXTERNAL,
          externalData: [entry('location', dataName), entry('offset', String(i * bytes.byteLength)), entry('length', String(bytes.byteLength))],
        }),
      );
      nodes.push(create(onnx.NodeProtoSchema, { opType: 'MatMul', input: [i === 0 ? 'x' : `h${i}`, name], output: [i === layers - 1 ? 'y' : `h${i + 1}`] }));
    }
  } finally {
    closeSync(fd);
  }
  const graph = create(onnx.GraphProtoSchema, { name: 'bench', node: nodes, initializer: initializers, input: [tensorValue('x', ['batch', dim])], output: [tensorValue('y', ['batch', dim])] });
  const model = create(onnx.ModelProtoSchema, { irVersion: 8n, producerName: '@quantkit/quant-bench', graph, opsetImport: [{ domain: '', version: 17n }] });
  const path = join(dir, 'model.onnx');
  writeFileSync(path, toBinary(onnx.ModelProtoSchema, model));
  return { path, weightBytes: layers * elements * 4, layers, dim };
}
