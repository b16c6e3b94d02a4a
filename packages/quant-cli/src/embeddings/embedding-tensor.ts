import type { FileHandle } from 'node:fs/promises';
import { fail, toCliError } from '../errors.js';
import { isFloatDtype, type FloatDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { FORMAT_KEY } from '../formats/quantized-format.js';
import type { InputFile, TensorSource } from '../formats/tensor-source.js';

/** A 2-D float tensor of embeddings: `rows` rows of `dim` values. */
export interface EmbeddingTensor {
  readonly source: TensorSource;
  readonly dtype: FloatDtype;
  readonly rows: number;
  readonly dim: number;
}

function isEmbeddingTensor(t: TensorSource): boolean {
  return isFloatDtype(t.dtype) && t.shape.length === 2;
}

function describe(t: TensorSource): string {
  return `'${t.name}' ${t.dtype} [${t.shape.join(', ')}]`;
}

function asEmbeddings(t: TensorSource): EmbeddingTensor {
  const where = { file: t.file, tensor: t.name };
  if (!isFloatDtype(t.dtype)) fail('UNSUPPORTED_DTYPE', `is ${t.dtype}; embeddings must be F32, F64, F16 or BF16`, where);
  if (t.shape.length !== 2) fail('SHAPE_MISMATCH', `has shape [${t.shape.join(', ')}]; embeddings are a 2-D tensor [rows, dim]`, where);
  return { source: t, dtype: t.dtype, rows: t.shape[0]!, dim: t.shape[1]! };
}

/**
 * The embeddings of a file: the tensor named `wanted` (safetensors only: a .npy holds one tensor), else the file's only
 * 2-D float tensor. Files written by quant (quantized tensors or embeddings) are refused.
 */
export function pickEmbeddingTensor(input: InputFile, wanted: string | undefined): EmbeddingTensor {
  const file = input.path;
  const format = input.metadata?.[FORMAT_KEY];
  if (format !== undefined) fail('ALREADY_QUANTIZED', `is already quantized (${format}); give the float embeddings`, { file });
  if (wanted !== undefined && input.format === 'safetensors') {
    const named = input.tensors.find((t) => t.name === wanted);
    if (named === undefined) fail('NO_INPUTS', `has no tensor '${wanted}' (its tensors: ${input.tensors.map(describe).join(', ') || 'none'})`, { file });
    return asEmbeddings(named);
  }
  const candidates = input.tensors.filter(isEmbeddingTensor);
  if (candidates.length === 1) return asEmbeddings(candidates[0]!);
  if (candidates.length === 0) {
    if (input.format === 'npy' && input.tensors.length === 1) return asEmbeddings(input.tensors[0]!);
    fail('NO_INPUTS', `holds no 2-D float tensor [rows, dim] (its tensors: ${input.tensors.map(describe).join(', ') || 'none'})`, { file });
  }
  return fail('USAGE', `holds ${candidates.length} 2-D float tensors (${candidates.map(describe).join(', ')}): choose one with --tensor`, { file });
}

/**
 * Opens a file of embeddings read-only and picks its tensor: `tensor` must exist when 'required' (the input), and is
 * used only when the file has it when 'if-present' (a calibration file). Close `fh` when done.
 */
export async function openEmbeddings(path: string, tensor: string | undefined, use: 'required' | 'if-present'): Promise<{ fh: FileHandle; t: EmbeddingTensor }> {
  const { fh, input } = await openInput(path);
  try {
    const wanted = use === 'if-present' && !input.tensors.some((s) => s.name === tensor) ? undefined : tensor;
    return { fh, t: pickEmbeddingTensor(input, wanted) };
  } catch (e) {
    await fh.close();
    throw toCliError(e, { file: path });
  }
}
