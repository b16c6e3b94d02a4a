import { readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { temporaryPathFor, writeSynced } from './atomic-write.js';
import { OnnxError, OnnxErrorCodes } from './errors.js';
import { externalRef } from './external-data.js';
import { ExternalDataReader } from './external-reader.js';
import { ExternalDataWriter } from './external-writer.js';
import { forEachGraph } from './graph-walk.js';
import { decodeOnnxModel, refuseOverLimit, writeOnnxModel } from './model-io.js';
import type { GraphProto, ModelProto, TensorProto } from './onnx.js';
import { resolveOptions, type QuantizeOnnxOptions } from './options.js';
import { quantizeModelProto, reportOf } from './quantize-model.js';
import type { OnnxQuantizationReport } from './report.js';
import { isExternal } from './tensor-data.js';

function externalInitializers(root: GraphProto): TensorProto[] {
  const found: TensorProto[] = [];
  forEachGraph(root, (g) => found.push(...g.initializer.filter(isExternal)));
  return found;
}

/** The external data file name written beside `output`: "<output file name>_data" (model_q4.onnx -> model_q4.onnx_data). */
export function externalDataNameFor(output: string): string {
  return `${basename(output)}_data`;
}

async function sizeOfInputs(input: string, bytes: number, external: readonly TensorProto[]): Promise<number> {
  const files = new Set(external.map((t) => externalRef(t).location));
  let total = bytes;
  for (const location of files) total += (await stat(join(dirname(input), location))).size;
  return total;
}

/**
 * Quantizes the model file `input` into `output` (docs/ONNX.md). A model whose initializers are external data
 * (.onnx + .onnx_data, any model over 2 GiB) is read one tensor at a time from the files beside it (checked first:
 * inside the model's folder, present, long enough), and the output's payloads of 1 KiB or more are written as they are
 * made to one external data file, `<output name>_data` beside it: memory holds the graph and about one weight, never
 * the model. Both files are written under temporary names, fsynced and renamed (data first); on any error neither is
 * left behind and an existing output is untouched.
 */
export async function quantizeOnnxFile(input: string, output: string, options: QuantizeOnnxOptions = {}): Promise<OnnxQuantizationReport> {
  const resolved = resolveOptions(options);
  refuseOverLimit((await stat(input)).size); // before reading the file
  const bytes = await readFile(input);
  const model: ModelProto = decodeOnnxModel(bytes);
  const external = externalInitializers(model.graph!);
  const reader = external.length > 0 ? new ExternalDataReader(dirname(input)) : undefined;
  const onnxTemporary = temporaryPathFor(output);
  const location = externalDataNameFor(output);
  const dataPath = join(dirname(output), location);
  let writer: ExternalDataWriter | undefined;
  let dataRenamed = false;
  try {
    reader?.checkAll(model.graph!);
    const inputBytes = await sizeOfInputs(input, bytes.byteLength, external);
    if (reader !== undefined) writer = new ExternalDataWriter(temporaryPathFor(dataPath), location);
    const done = quantizeModelProto(model, resolved, reader, writer);
    if (writer !== undefined) {
      // Unchanged external tensors (biases, norms, weights left float): copied from the input's data files in chunks.
      const remaining = new Set(externalInitializers(model.graph!));
      for (const t of external) if (remaining.has(t)) writer.copyFrom(t, reader!);
      writer.finish();
    }
    const out = writeOnnxModel(model);
    await writeSynced(onnxTemporary, out);
    if (writer !== undefined) {
      await rename(writer.path, dataPath);
      dataRenamed = true;
    }
    await rename(onnxTemporary, output);
    return {
      ...reportOf(resolved, model, done, inputBytes, out.byteLength + (writer?.bytesWritten ?? 0)),
      ...(writer === undefined ? {} : { externalData: { location, bytes: writer.bytesWritten } }),
    };
  } catch (error) {
    writer?.abort();
    // A data file renamed into place without its model would be an orphan: removed too.
    if (dataRenamed) await unlink(dataPath).catch(() => undefined);
    await unlink(onnxTemporary).catch(() => undefined);
    if (error instanceof RangeError && /Array buffer allocation failed|Invalid typed array length/.test(error.message)) {
      throw new OnnxError(OnnxErrorCodes.TOO_LARGE, `a tensor is too large to hold in memory: ${error.message}`, { cause: error });
    }
    throw error;
  } finally {
    reader?.close();
  }
}
