import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachGraph } from './graph-walk.js';
import { decodeOnnxModel } from './model-io.js';
import type { QuantizeOnnxOptions } from './options.js';

/*
 * The variants transformers.js loads from a model folder's onnx/ (its `dtype` option: q8, int8, uint8, q4), written with
 * the settings of transformers.js's scripts/quantize.py (huggingface/transformers.js, read at commit
 * 124f7dd7aa7372b9ce851a22ca7971aa3fd3a07e): q8 is quantize_dynamic (per tensor, no reduce_range, constant B only,
 * subgraphs included) with int8 weights, or uint8 when the model has one of its QUINT8_OPS (Conv: onnxruntime-web has
 * no int8 ConvInteger; GroupQueryAttention, MultiHeadAttention); int8 / uint8 force the weight type; q4 is
 * MatMul4BitsQuantizer: 4 bits, blocks of 32 (its default), symmetric. fp16 is the float16 conversion (mode 'fp16',
 * onnxconverter-common's convert_float_to_float16 with keep_io_types); q4f16 is q4 of the float16 graph (MatMulNBits
 * with float16 scales).
 */
export interface TransformersJsVariant {
  /** The file name suffix: model.onnx -> model_<suffix>.onnx. */
  readonly suffix: 'quantized' | 'int8' | 'uint8' | 'q4' | 'fp16' | 'q4f16';
  /** transformers.js's dtype name. */
  readonly dtype: 'q8' | 'int8' | 'uint8' | 'q4' | 'fp16' | 'q4f16';
  options(wantsUint8: boolean, blockSize: number | undefined): QuantizeOnnxOptions;
}

export const TRANSFORMERS_JS_VARIANTS: readonly TransformersJsVariant[] = [
  { suffix: 'quantized', dtype: 'q8', options: (wantsUint8) => ({ mode: 'dynamic', scheme: wantsUint8 ? 'affine' : 'symmetric' }) },
  { suffix: 'int8', dtype: 'int8', options: () => ({ mode: 'dynamic', scheme: 'symmetric' }) },
  { suffix: 'uint8', dtype: 'uint8', options: () => ({ mode: 'dynamic', scheme: 'affine' }) },
  { suffix: 'q4', dtype: 'q4', options: (_wantsUint8, blockSize) => ({ mode: 'matmul-nbits', bits: 4, scheme: 'symmetric', ...(blockSize === undefined ? {} : { blockSize }) }) },
  { suffix: 'fp16', dtype: 'fp16', options: () => ({ mode: 'fp16' }) },
  {
    suffix: 'q4f16',
    dtype: 'q4f16',
    options: (_wantsUint8, blockSize) => ({ mode: 'matmul-nbits', bits: 4, scheme: 'symmetric', float16: true, ...(blockSize === undefined ? {} : { blockSize }) }),
  },
];

/** Files that are already a variant (of these or of others transformers.js knows): never quantized again. */
const VARIANT_NAME = /_(quantized|int8|uint8|q4|q4f16|fp16|bnb4|q8)\.onnx$/;

export interface TransformersJsJob {
  readonly input: string;
  readonly output: string;
  readonly variant: TransformersJsVariant;
}

/** The folder holding the models: <dir>/onnx when it exists, else <dir>. */
export async function modelFolderOf(dir: string): Promise<string> {
  const onnx = join(dir, 'onnx');
  const s = await stat(onnx).catch(() => undefined);
  return s?.isDirectory() === true ? onnx : dir;
}

/** Every base model (*.onnx that is not a variant) of the folder, sorted, with its variants' output paths. */
export async function transformersJsJobs(folder: string): Promise<TransformersJsJob[]> {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.onnx') && !n.startsWith('.') && !VARIANT_NAME.test(n)).sort();
  return names.flatMap((name) =>
    TRANSFORMERS_JS_VARIANTS.map((variant) => ({ input: join(folder, name), output: join(folder, `${name.slice(0, -'.onnx'.length)}_${variant.suffix}.onnx`), variant })),
  );
}

/** The operators whose presence makes transformers.js's q8 take uint8 weights (its QUINT8_OPS). */
export const QUINT8_OPS: ReadonlySet<string> = new Set(['Conv', 'GroupQueryAttention', 'MultiHeadAttention']);

/** Whether any graph of the model (subgraphs included) has one of QUINT8_OPS: q8 then takes uint8 weights. */
export async function q8WantsUint8(path: string): Promise<boolean> {
  const model = decodeOnnxModel(await readFile(path));
  let found = false;
  forEachGraph(model.graph!, (g) => (found ||= g.node.some((n) => QUINT8_OPS.has(n.opType))));
  return found;
}
