import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dotScanAsymmetric, l2ScanAsymmetric, packBinaryRows, packedRowBytes, quantizeEmbeddingRows } from '../../src/embeddings/index.js';

/*
 * The golden file the C++ kernels are held to (native/test/embeddings_test.cc) is the reference's own output: this test
 * reruns the reference on its inputs, so a change of the contract without regenerating it fails here
 * (scripts/embeddings-oracle/generate-kernel-golden.mjs).
 */

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'embeddings', 'kernels-golden.txt');
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));

function floatsOf(line: string, single: boolean): Float32Array | Float64Array {
  const words = line.split(' ');
  const out = single ? new Float32Array(words.length) : new Float64Array(words.length);
  const view = new DataView(new ArrayBuffer(8));
  words.forEach((w, i) => {
    if (single) {
      view.setUint32(0, parseInt(w, 16), true);
      out[i] = view.getFloat32(0, true);
    } else {
      view.setBigUint64(0, BigInt(`0x${w}`), true);
      out[i] = view.getFloat64(0, true);
    }
  });
  return out;
}
const intsOf = (line: string): number[] => line.split(' ').map(Number);
const bits = (a: Float64Array): string[] => Array.from(new BigUint64Array(a.buffer), (b) => b.toString(16));

describe('kernels-golden.txt is the reference output', () => {
  let cases = 0;
  for (let at = 0; lines[at] !== 'end'; ) {
    const head = lines[at]!.split(' ');
    const at0 = at;
    if (head[0] === 'quantize') {
      const [, type, kind, rowsText, dimText] = head;
      const single = type === 'f32';
      const dim = Number(dimText);
      const min = floatsOf(lines[at0 + 1]!, single);
      const steps = floatsOf(lines[at0 + 2]!, single);
      const x = floatsOf(lines[at0 + 3]!, single);
      const codes = intsOf(lines[at0 + 4]!);
      it(`quantize ${type} ${kind} ${rowsText} x ${dim}`, () => {
        const out = kind === 'uint8' ? new Uint8Array(x.length) : new Int8Array(x.length);
        quantizeEmbeddingRows(x, dim, min, steps, kind === 'uint8' ? 'uint8' : 'int8', kind === 'int8-toward-zero' ? 'toward-zero' : 'floor', out);
        expect(Array.from(out)).toEqual(codes);
      });
      at += 5;
    } else if (head[0] === 'pack') {
      const [, type, bitOrder, threshold, precision, rowsText, dimText] = head as [string, string, 'msb' | 'lsb', 'positive' | 'nonnegative', 'binary' | 'ubinary', string, string];
      const rows = Number(rowsText);
      const dim = Number(dimText);
      const x = floatsOf(lines[at0 + 1]!, type === 'f32');
      const bytes = intsOf(lines[at0 + 2]!);
      it(`pack ${type} ${bitOrder} ${threshold} ${precision} ${rows} x ${dim}`, () => {
        const out = precision === 'binary' ? new Int8Array(rows * packedRowBytes(dim)) : new Uint8Array(rows * packedRowBytes(dim));
        packBinaryRows(x, dim, precision, bitOrder, threshold, out);
        expect(Array.from(new Uint8Array(out.buffer))).toEqual(bytes);
      });
      at += 3;
    } else if (head[0] === 'asym') {
      const [, metric, kind, rowsText, dimText] = head;
      const rows = Number(rowsText);
      const dim = Number(dimText);
      const query = floatsOf(lines[at0 + 1]!, true);
      const min = floatsOf(lines[at0 + 2]!, true);
      const steps = floatsOf(lines[at0 + 3]!, true);
      const codes = kind === 'uint8' ? Uint8Array.from(intsOf(lines[at0 + 4]!)) : Int8Array.from(intsOf(lines[at0 + 4]!));
      const scores = floatsOf(lines[at0 + 5]!, false) as Float64Array;
      it(`asym ${metric} ${kind} ${rows} x ${dim}`, () => {
        const out = new Float64Array(rows);
        (metric === 'dot' ? dotScanAsymmetric : l2ScanAsymmetric)(query, codes, min, steps, dim, out, kind === 'int8-toward-zero' ? 'toward-zero' : 'floor');
        expect(bits(out)).toEqual(bits(scores));
      });
      at += 6;
    } else {
      throw new Error(`unknown golden case ${lines[at]}`);
    }
    cases++;
  }
  it('has every case kind', () => expect(cases).toBeGreaterThan(200));
});
