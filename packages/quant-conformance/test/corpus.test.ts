import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusFileNames, exportCorpus, GENERATED_FAMILIES, generateCorpus, loadCorpusFamily } from '../src/index.js';
import { formatCorpusJson } from '../src/corpus/format.js';
import { uncoveredErrorCodes } from '../src/checks/errors.js';
import { decodeArray, decodeNumber, encodeArray, encodeNumber } from '../src/encoding.js';

describe('golden corpus', () => {
  it('is exactly what the generator writes from the reference (run `pnpm --filter @quantkit/quant-conformance corpus` after a deliberate change)', () => {
    for (const file of generateCorpus()) {
      const onDisk = readFileSync(join(CORPUS_DIR, `${file.family}.json`), 'utf8');
      expect(onDisk === formatCorpusJson(file), `corpus/${file.family}.json is stale`).toBe(true);
    }
  });

  it('holds the 30 upstream ONNX vectors (the one copy in the monorepo; quant-core\'s tests read it too)', () => {
    const ours = readFileSync(join(CORPUS_DIR, 'onnx-qdq.json'), 'utf8');
    expect(JSON.parse(ours).cases).toHaveLength(30);
  });

  it('lists every generated family and the ONNX vectors', () => {
    expect(corpusFileNames()).toEqual([...GENERATED_FAMILIES.map(([family]) => `${family}.json`), 'onnx-qdq.json'].sort());
  });

  it('the seed walkthrough carries the notebook numbers', () => {
    const seed = loadCorpusFamily('seed-walkthrough');
    const affine = seed.cases[0]!;
    expect(affine.op).toBe('quantize');
    if (affine.op !== 'quantize') return;
    expect(affine.expected.scale).toEqual({ approx: 0.7325264990067586, tolerance: 1e-9 });
    expect(affine.expected.zeroPoint).toBe(61);
    expect(Array.from(decodeArray(affine.expected.data))).toEqual([46, 213, 100, 148, 0, 183, 141, 3, 237, 52, 255, 3, 196, 250, 85, 224, 72, 119, 164, 73]);
  });

  it('exportCorpus writes every file and the format README', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quant-corpus-'));
    try {
      const written = exportCorpus(join(dir, 'nested'));
      expect(written.map((p) => p.slice(p.lastIndexOf('/') + 1)).sort()).toEqual([...corpusFileNames(), 'README.md'].sort());
      for (const p of written) expect(readFileSync(p, 'utf8')).toBe(readFileSync(join(CORPUS_DIR, p.slice(p.lastIndexOf('/') + 1)), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('encodes arrays and numbers losslessly (NaN payloads, -0, subnormals, infinities)', () => {
    const bits = Uint32Array.of(0x7fc00001, 0x80000000, 0x00000001, 0x7f800000, 0xff800000);
    const f = new Float32Array(bits.buffer);
    const back = decodeArray(encodeArray(f));
    expect(Array.from(new Uint32Array(back.buffer))).toEqual(Array.from(bits));
    for (const v of [NaN, Infinity, -Infinity, -0, 0, 1.5, 5e-324]) expect(Object.is(decodeNumber(encodeNumber(v)), v)).toBe(true);
  });

  it('has an error scenario for every error code', () => {
    expect(uncoveredErrorCodes()).toEqual([]);
  });
});
