import { setImmediate as nextTurn } from 'node:timers/promises';
import { fail, toCliError } from '../errors.js';
import { isFloatDtype } from '../formats/dtypes.js';
import { openInput } from '../formats/open-input.js';
import { FORMAT_KEY } from '../formats/quantized-format.js';
import { readValues } from '../formats/read-tensor.js';
import type { InputFile, TensorSource } from '../formats/tensor-source.js';
import type { TensorValues } from '../formats/tensor-values.js';
import type { BufferPool } from '../io/buffer-pool.js';

/** A tensor of the file that is not analysed, and why ('I64 is not a float dtype', 'excluded', ...). */
export interface SkippedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly reason: string;
}

export interface FloatTensorVisitor {
  /** Decides whether a float tensor is read at all; a string is the reason it is skipped. */
  accept(t: TensorSource): true | string;
  /** Called with each accepted tensor's values (F16 / BF16 as bits); released (back to the pool) when it resolves. */
  visit(t: TensorSource, x: TensorValues): Promise<void> | void;
}

/**
 * Streams the float tensors of a .npy or .safetensors file one at a time, in file order: each is read by byte range,
 * handed to the visitor and released before the next is read, so at most one tensor is in memory. Quantized files are
 * refused (their float tensors are scales). Returns the tensors that were skipped.
 */
export async function forEachFloatTensor(path: string, pool: BufferPool, visitor: FloatTensorVisitor): Promise<{ input: InputFile; skipped: SkippedTensor[] }> {
  const { fh, input } = await openInput(path);
  const skipped: SkippedTensor[] = [];
  try {
    if (input.metadata?.[FORMAT_KEY] !== undefined) {
      fail('ALREADY_QUANTIZED', `is a quantized file (${input.metadata[FORMAT_KEY]}); analyse the original float file, or dequantize it first`, { file: path });
    }
    for (const t of input.tensors) {
      const skip = (reason: string): void => void skipped.push({ name: t.name, dtype: t.dtype, shape: t.shape, reason });
      if (!isFloatDtype(t.dtype)) {
        skip(`${t.dtype} is not a float dtype`);
        continue;
      }
      const accepted = visitor.accept(t);
      if (accepted !== true) {
        skip(accepted);
        continue;
      }
      try {
        const x = await readValues(fh, t, pool);
        try {
          await visitor.visit(t, x);
        } finally {
          x.release();
        }
      } catch (e) {
        throw toCliError(e, { file: path, tensor: t.name });
      }
      // The analysis is synchronous: let signals (SIGINT) and output flush between tensors.
      await nextTurn();
    }
    return { input, skipped };
  } finally {
    await fh.close();
  }
}
