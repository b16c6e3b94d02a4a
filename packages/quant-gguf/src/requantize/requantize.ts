import { GgufError } from '../errors.js';
import { ggmlTensorBytes, ggmlTypeInfo, ggmlTypeName } from '../format/ggml-types.js';
import { checkTarget, writeAtomically } from '../io/atomic-file.js';
import { GgufReader } from '../read/gguf-reader.js';
import { GgufWriter } from '../write/gguf-writer.js';
import type { GgufTensorSpec } from '../write/plan-layout.js';
import { createChunkEncoder } from './chunk-encoder.js';
import { ChunkPipeline } from './chunk-pipeline.js';
import { checkOptions, type RequantizeOptions } from './options.js';
import { checkNotSplit, outputMetadata } from './output-metadata.js';
import { planTensorTypes, type TensorPlan } from './plan-types.js';
import { streamTensor } from './stream-tensor.js';
import { recipeOf, type RequantizeType } from './target-types.js';

export interface RequantizedTensor {
  readonly name: string;
  /** ggml's ne order. */
  readonly shape: readonly number[];
  readonly from: string;
  readonly to: string;
  readonly action: TensorPlan['action'];
  readonly note?: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

export interface RequantizeResult {
  readonly output: string;
  readonly type: RequantizeType;
  /** The llama_ftype written to general.file_type. */
  readonly fileType: number;
  readonly tensors: readonly RequantizedTensor[];
  readonly bytesIn: number;
  readonly bytesOut: number;
}

function outputBytes(plan: TensorPlan): number {
  if (plan.action === 'copy') return plan.tensor.byteLength;
  return ggmlTensorBytes(ggmlTypeInfo(plan.targetTypeId)!, plan.tensor.elements);
}

/** An error located at the file and tensor where it happened; the quantizer's own errors become E_GGUF_QUANTIZE. */
function located(e: unknown, file: string, tensor?: string): unknown {
  if (e instanceof GgufError) return e.locate({ file, tensor });
  const err = e as Error & { code?: unknown };
  if (err instanceof Error && typeof err.code === 'string' && err.code.startsWith('ERR_QUANT_PLAN_')) {
    return new GgufError('E_GGUF_PLAN', `${err.message} (${err.code})`, { file }, { cause: e });
  }
  if (err instanceof Error && typeof err.code === 'string' && err.code.startsWith('ERR_QUANT')) {
    return new GgufError('E_GGUF_QUANTIZE', `${err.message} (${err.code})`, { file, tensor }, { cause: e });
  }
  return e;
}

function summary(plan: TensorPlan): RequantizedTensor {
  const t = plan.tensor;
  return {
    name: t.name,
    shape: t.shape,
    from: ggmlTypeName(t.typeId),
    to: ggmlTypeName(plan.targetTypeId),
    action: plan.action,
    ...(plan.note !== undefined ? { note: plan.note } : {}),
    bytesIn: t.byteLength,
    bytesOut: outputBytes(plan),
  };
}

/**
 * Re-quantizes the F32/F16/BF16 tensors of a GGUF file into `options.type` (uniform, or a llama-quantize mix chosen
 * per tensor) and writes a new GGUF file: metadata copied with general.file_type and general.quantization_version set,
 * other tensors copied, one tensor at a time, a chunk of rows at a time. The output appears whole or not at all.
 */
export async function requantizeGguf(inPath: string, outPath: string, options: RequantizeOptions): Promise<RequantizeResult> {
  const opts = checkOptions(options);
  const recipe = recipeOf(opts.type);
  const reader = await GgufReader.open(inPath, { strict: opts.strict === true });
  let current: string | undefined;
  try {
    const { metadata, tensors } = reader.header;
    checkNotSplit(metadata, inPath);
    const plans = planTensorTypes(metadata, tensors, recipe, opts.typeFor ?? [], opts.plan);
    await checkTarget(outPath, opts.force === true, inPath);
    const specs: GgufTensorSpec[] = plans.map((p) => ({ name: p.tensor.name, shape: p.tensor.shape, typeId: p.targetTypeId, byteLength: outputBytes(p) }));
    const bytesTotal = tensors.reduce((a, t) => a + t.byteLength, 0);
    let bytesDone = 0;
    const encoder = createChunkEncoder(plans.some((p) => p.action !== 'copy') ? opts.threads : 1);
    try {
      await writeAtomically(outPath, async (fh, flush) => {
        const writer = await GgufWriter.begin(fh, outputMetadata(metadata, recipe.ftype), specs, flush);
        const pipeline = new ChunkPipeline(writer, encoder.depth);
        try {
          for (const [index, plan] of plans.entries()) {
            current = plan.tensor.name;
            const report = (tensorDone: boolean): void =>
              opts.onProgress?.({
                index,
                count: plans.length,
                name: plan.tensor.name,
                from: ggmlTypeName(plan.tensor.typeId),
                to: ggmlTypeName(plan.targetTypeId),
                action: plan.action,
                bytesDone,
                bytesTotal,
                tensorDone,
              });
            const advance = (n: number): void => {
              bytesDone += n;
              report(false);
            };
            await streamTensor({ reader, writer, encoder, pipeline, signal: opts.signal, advance, tensorDone: () => report(true) }, plan);
          }
          await pipeline.drain();
        } catch (e) {
          await pipeline.settle();
          if (pipeline.failedTensor !== undefined) current = pipeline.failedTensor;
          throw e;
        }
        current = undefined;
        writer.finish();
      });
    } finally {
      await encoder.close();
    }
    const summaries = plans.map(summary);
    return {
      output: outPath,
      type: recipe.name,
      fileType: recipe.ftype,
      tensors: summaries,
      bytesIn: bytesTotal,
      bytesOut: summaries.reduce((a, t) => a + t.bytesOut, 0),
    };
  } catch (e) {
    throw located(e, inPath, current);
  } finally {
    await reader.close();
  }
}
