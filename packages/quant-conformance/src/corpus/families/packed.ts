import { Rng } from '../../random.js';
import type { CorpusCase } from '../schema.js';
import { packCase, quantizeApiCase, range, unpackCase } from '../builders.js';

/*
 * Sub-byte packing in ONNX order (element 0 in the lowest bits, padding bits zero), with odd lengths so a partial last
 * byte always occurs; unpacking ignores the padding bits of the input and sign-extends signed fields; and the
 * high-level API with packed storage, where packing runs over the flattened tensor (rows share bytes).
 */

export function packed(): { description: string; cases: CorpusCase[] } {
  const rng = new Rng(0x9ac6ed);
  const cases: CorpusCase[] = [];
  const lengths = [...range(0, 33), 63, 64, 65, 127, 128, 129, 1001];
  const n = 1001;
  const int4 = Int8Array.from({ length: n }, (_, i) => (i < 16 ? i - 8 : rng.int(-8, 7)));
  const uint4 = Uint8Array.from({ length: n }, (_, i) => (i < 16 ? i : rng.int(0, 15)));
  const int2 = Int8Array.from({ length: n }, (_, i) => (i < 4 ? i - 2 : rng.int(-2, 1)));
  const uint2 = Uint8Array.from({ length: n }, (_, i) => (i < 4 ? i : rng.int(0, 3)));
  cases.push(packCase('pack int4', int4, 4, lengths));
  cases.push(packCase('pack uint4', uint4, 4, lengths));
  cases.push(packCase('pack int2', int2, 2, lengths));
  cases.push(packCase('pack uint2', uint2, 2, lengths));
  // Out-of-range codes: only the low bits are stored.
  cases.push(packCase('pack keeps only the low bits', Int8Array.of(-128, 127, 16, -9, 8, -1, 0), 4));
  cases.push(packCase('pack keeps only the low bits (2-bit)', Uint8Array.of(255, 4, 5, 6, 7), 2));
  const bytes = Uint8Array.from({ length: 600 }, () => rng.int(0, 255));
  for (const bits of [4, 2] as const) {
    for (const signed of [true, false]) {
      cases.push(unpackCase(`unpack ${signed ? 'int' : 'uint'}${bits}`, bytes.subarray(0, Math.ceil((n * bits) / 8)), bits, signed, n, lengths));
      cases.push(unpackCase(`unpack ${signed ? 'int' : 'uint'}${bits} every field value`, Uint8Array.of(0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0xe4, 0x1b), bits, signed, (80 / bits) | 0));
      cases.push(unpackCase(`unpack ${signed ? 'int' : 'uint'}${bits} ignores set padding bits`, Uint8Array.of(0xff, 0xff, 0xff), bits, signed, bits === 4 ? 5 : 9));
    }
  }
  for (const [bits, scheme] of [
    [4, 'symmetric'],
    [4, 'affine'],
    [2, 'symmetric'],
    [2, 'affine'],
  ] as const) {
    for (const len of [1, 7, 13, 1001]) {
      const x = new Float32Array(len);
      rng.fill(x, 'normal', 1);
      cases.push(quantizeApiCase(`API packed ${scheme} ${bits}-bit length ${len}`, x, { scheme, bits, packed: true }));
    }
    const x = new Float32Array(15);
    rng.fill(x, 'uniform', 2);
    cases.push(quantizeApiCase(`API packed ${scheme} ${bits}-bit per-axis [3,5] axis 0 (rows share bytes)`, x, { scheme, bits, packed: true, shape: [3, 5], granularity: { axis: 0 } }));
    cases.push(quantizeApiCase(`API packed ${scheme} ${bits}-bit blocked [3,5] axis 1 block 2`, x, { scheme, bits, packed: true, shape: [3, 5], granularity: { axis: 1, blockSize: 2 } }));
    cases.push(quantizeApiCase(`API packed ${scheme} ${bits}-bit narrow range`, x, { scheme, bits, packed: true, narrowRange: true }));
  }
  return {
    description: 'pack / unpack of 2- and 4-bit codes (signed and unsigned) at odd lengths, padding bits, out-of-range codes; packed storage through the high-level API (per tensor, per axis, blocked).',
    cases,
  };
}
