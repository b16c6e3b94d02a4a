import { describe, expect, it } from 'vitest';
import { quantizeEmbeddings } from '../../src/embeddings/index.js';
import { decode, readVectors, type TfjsVectors } from './vectors.js';

/*
 * transformers.js's quantize_embeddings (@huggingface/transformers, scripts/embeddings-oracle/generate-transformers-js.mjs)
 * on the binary inputs of sentence-transformers.json: the same bytes where it answers; it refuses dim % 8 != 0, which
 * quantkit packs with a zero-padded last byte per row.
 */

const tfjs = readVectors<TfjsVectors>('transformers-js.json');

describe('binary / ubinary against transformers.js', () => {
  it('records the package version', () => expect(tfjs.provenance.version).toBe('4.3.2'));

  for (const c of tfjs.cases) {
    for (const precision of ['ubinary', 'binary'] as const) {
      const result = c.results[precision];
      it(`${c.name} ${precision}`, () => {
        const q = quantizeEmbeddings(decode(c.embeddings, 'float32'), { dim: c.dim, precision });
        if (c.dim % 8 === 0) {
          expect(result.error).toBeUndefined();
          expect(result.shape).toEqual([c.rows, c.dim / 8]);
          expect(q.data).toEqual(decode(result.codes!, precision === 'binary' ? 'int8' : 'uint8'));
        } else {
          expect(result.error).toBe('Error: The last dimension of the tensor must be a multiple of 8');
          expect(q.bytesPerRow).toBe(Math.ceil(c.dim / 8));
        }
      });
    }
  }
});
