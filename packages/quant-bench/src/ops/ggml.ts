import { GGML_FORMATS, ggmlRowBytes, type Backend, type GgmlFormat } from '@quantkit/quant-core';
import type { Operation } from './types.js';

/*
 * GGML block quantization (issue 16): Backend.ggmlQuantize of the float32 input into one row of blocks, the output
 * allocated once. Q8_0 and Q4_0 are the legacy formats (blocks of 32), Q4_K and Q6_K the K-quants whose `_ref` fits
 * search several candidate scales per sub-block (super-blocks of 256; docs/GGML.md). The only size that is not a whole
 * number of blocks (20) quantizes one block: its first elements, the rest zeros. No ONNX Runtime column (it has no such
 * formats); upstream ggml's own `_ref` figures on this machine are in docs/GGML.md.
 */

/** The operation id of a format's row. */
export const ggmlQuantizeId = (format: GgmlFormat): string => `ggml-quantize-${format}`;

function ggmlQuantize(format: GgmlFormat): Operation {
  const { blockSize, bytesPerBlock } = GGML_FORMATS[format];
  return {
    id: ggmlQuantizeId(format),
    label: `GGML ${format.toUpperCase()} quantize f32`,
    description: `Backend.ggmlQuantize float32 → ${format} blocks (ggml's quantize_row_${format}_ref, bit for bit), caller-provided output`,
    passes: [{ read: 4, write: bytesPerBlock / blockSize }],
    prepare(x) {
      const n = Math.max(blockSize, x.length - (x.length % blockSize));
      const input = n === x.length ? x : n < x.length ? x.subarray(0, n) : Float32Array.from({ length: n }, (_, i) => (i < x.length ? x[i]! : 0));
      const out = new Uint8Array(ggmlRowBytes(format, n));
      return { run: (b: Backend) => void b.ggmlQuantize(input, format, out), result: () => out };
    },
  };
}

export const GGML_FORMATS_BENCHED: readonly GgmlFormat[] = ['q8_0', 'q4_0', 'q4_k', 'q6_k'];
export const GGML_OPERATIONS: readonly Operation[] = GGML_FORMATS_BENCHED.map(ggmlQuantize);
