import { create, toBinary } from '@bufbuild/protobuf';
import { writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { forEachGraph } from '../../src/graph-walk.js';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation } from '../../src/generated/onnx_pb.js';
import { readOnnxModel } from '../../src/index.js';

/**
 * Writes `model` as onnx's save_as_external_data does: every initializer payload of at least `threshold` bytes moves to
 * one data file (`dataName`, beside the model) at increasing offsets, the model keeping location / offset / length.
 * Returns the model's path.
 */
export function writeWithExternalData(bytes: Uint8Array, folder: string, name: string, dataName = `${name}_data`, threshold = 1024): string {
  const model = readOnnxModel(bytes);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  forEachGraph(model.graph!, (g) => {
    for (const t of g.initializer) {
      if (t.rawData.byteLength < threshold) continue;
      const entry = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });
      t.externalData = [entry('location', dataName), entry('offset', String(offset)), entry('length', String(t.rawData.byteLength))];
      t.dataLocation = TensorProto_DataLocation.EXTERNAL;
      chunks.push(t.rawData.slice());
      offset += t.rawData.byteLength;
      t.rawData = new Uint8Array(0);
    }
  });
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.byteLength;
  }
  writeFileSync(isAbsolute(dataName) ? dataName : join(folder, dataName), data);
  const path = join(folder, name);
  writeFileSync(path, toBinary(ModelProtoSchema, model));
  return path;
}
