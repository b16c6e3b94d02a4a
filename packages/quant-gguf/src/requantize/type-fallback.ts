/*
 * tensor_type_fallback of llama.cpp's src/llama-quant.cpp (007dbbf3fd17eefe9b47fee45f48f7ba5e62b714): a tensor whose
 * rows are not whole blocks of its chosen type gets a type with smaller blocks, and F16 when even that does not fit.
 */
import { fail } from '../errors.js';
import { GGML_TYPE, ggmlTypeInfo, ggmlTypeName } from '../format/ggml-types.js';

const { Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q4_0, Q5_0, Q5_1, Q8_0, F16 } = GGML_TYPE;

const SMALLER_BLOCKS: ReadonlyMap<number, number> = new Map([
  [Q2_K, Q4_0],
  [Q3_K, Q4_0],
  [Q4_K, Q5_0],
  [Q5_K, Q5_1],
  [Q6_K, Q8_0],
]);

export interface FallbackResult {
  readonly typeId: number;
  /** Set when the type was changed: why. */
  readonly reason?: string;
}

/** The type `name` (rows of `rowLength`) is written as when `typeId` was chosen for it. */
export function fallbackType(name: string, rowLength: number, typeId: number): FallbackResult {
  const blockSize = ggmlTypeInfo(typeId)!.blockSize;
  if (rowLength % blockSize === 0) return { typeId };
  const smaller = SMALLER_BLOCKS.get(typeId);
  if (smaller === undefined) {
    fail('E_GGUF_SHAPE', `rows of ${rowLength} elements are not whole ${ggmlTypeName(typeId)} blocks of ${blockSize}, and llama-quantize defines no fallback for ${ggmlTypeName(typeId)} (give this tensor another type with typeFor)`, { tensor: name });
  }
  const fits = rowLength % ggmlTypeInfo(smaller)!.blockSize === 0;
  const to = fits ? smaller : F16;
  return { typeId: to, reason: `rows of ${rowLength} are not whole ${ggmlTypeName(typeId)} blocks of ${blockSize}: ${ggmlTypeName(to)} instead` };
}
