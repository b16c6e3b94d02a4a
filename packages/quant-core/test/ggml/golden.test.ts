import { describe, expect, it } from 'vitest';
import { GGML_FORMAT_NAMES, ggmlDequantizeRows, ggmlFormatInfo, ggmlQuantizeRows } from '../../src/ggml/index.js';
import { codeOf } from '../helpers/quant-error.js';
import { bitsOf, firstDifference, loadVectors, type GgmlCase } from './vectors.js';

// Golden vectors of upstream ggml's own quantize_row_*_ref / dequantize_row_* (scripts/ggml-oracle): block bytes and
// float32 bit patterns must agree exactly, on random rows of nine distributions, hand-made edge blocks and random bytes.

const LEGACY_MIN_BLOCKS = 200;
const K_MIN_BLOCKS = 100;

function where(c: GgmlCase, index: number, unit: number): string {
  return `${c.name}: first difference at ${index} (block ${Math.floor(index / unit)}, offset ${index % unit})`;
}

describe.each(GGML_FORMAT_NAMES)('%s against upstream ggml', (format) => {
  const vectors = loadVectors(format);
  const info = ggmlFormatInfo(format);

  it('records its provenance and geometry', () => {
    expect(vectors.format).toBe(format);
    expect(vectors.blockSize).toBe(info.blockSize);
    expect(vectors.bytesPerBlock).toBe(info.bytesPerBlock);
    expect(vectors.provenance).toMatchObject({ repo: 'github.com/ggml-org/ggml', compiler: expect.stringMatching(/^gcc /) });
    expect(vectors.provenance['commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(vectors.provenance['flags']).toContain('-ffp-contract=off');
    const blocks = vectors.cases.reduce((n, c) => n + c.blocks, 0);
    expect(blocks).toBeGreaterThanOrEqual(info.family === 'legacy' ? LEGACY_MIN_BLOCKS : K_MIN_BLOCKS);
  });

  it('quantizes to upstream block bytes exactly', () => {
    const wrong: string[] = [];
    for (const c of vectors.cases) {
      const out = new Uint8Array(c.blocks * info.bytesPerBlock);
      ggmlQuantizeRows(c.input!, format, out);
      const d = firstDifference(out, c.bytes);
      if (d >= 0) wrong.push(where(c, d, info.bytesPerBlock));
    }
    expect(wrong).toStrictEqual([]);
  });

  it('dequantizes upstream blocks to upstream float32 bits exactly', () => {
    const wrong: string[] = [];
    for (const c of [...vectors.cases, ...vectors.randomBytes]) {
      const out = new Float32Array(c.blocks * info.blockSize);
      ggmlDequantizeRows(c.bytes, format, out);
      const d = firstDifference(bitsOf(out), bitsOf(c.output));
      if (d >= 0) wrong.push(where(c, d, info.blockSize));
    }
    expect(wrong).toStrictEqual([]);
    expect(vectors.randomBytes.length).toBeGreaterThan(0);
  });

  it('round-trips: dequantize(quantize(x)) is upstream output and has no NaN on ordinary data', () => {
    for (const c of vectors.cases.filter((k) => /^(normal|uniform|heavy-tailed|skewed|grid)/.test(k.name))) {
      const q = new Uint8Array(c.blocks * info.bytesPerBlock);
      const y = new Float32Array(c.input!.length);
      ggmlQuantizeRows(c.input!, format, q);
      ggmlDequantizeRows(q, format, y);
      expect(firstDifference(bitsOf(y), bitsOf(c.output)), c.name).toBe(-1);
      expect(y.every((v) => Number.isFinite(v)), c.name).toBe(true);
    }
  });

  it('rejects non-finite input (ERR_QUANT_RANGE) where upstream returns garbage or asserts', () => {
    expect(vectors.nonFinite.length).toBeGreaterThan(0);
    for (const c of vectors.nonFinite) {
      const out = new Uint8Array(c.blocks * info.bytesPerBlock).fill(7);
      expect(codeOf(() => ggmlQuantizeRows(c.input!, format, out)), c.name).toBe('ERR_QUANT_RANGE');
      expect(out.every((b) => b === 7), `${c.name}: nothing written`).toBe(true);
    }
  });
});

describe('golden error statistics (sanity of the formats, independent of the oracle)', () => {
  // Relative RMS error of the normal rows: lower bits, larger error; every format well below 1.
  const bound: Record<string, number> = {
    q8_0: 0.01, q8_1: 0.01, q6_k: 0.02, q5_0: 0.06, q5_1: 0.06, q5_k: 0.05, q4_0: 0.12, q4_1: 0.12, q4_k: 0.1, q3_k: 0.25, q2_k: 0.45,
  };
  it.each(GGML_FORMAT_NAMES)('%s', (format) => {
    const v = loadVectors(format);
    for (const c of v.cases.filter((k) => k.name.startsWith('normal/'))) {
      let se = 0;
      let sx = 0;
      for (let i = 0; i < c.input!.length; i++) {
        se += (c.input![i]! - c.output[i]!) ** 2;
        sx += c.input![i]! ** 2;
      }
      expect(Math.sqrt(se / sx), c.name).toBeLessThan(bound[format]!);
    }
  });
});
