#!/usr/bin/env node
// Flattens upstream ggml's golden vectors (packages/quant-core/test/vectors/ggml/<format>.json, written by
// packages/quant-core/scripts/ggml-oracle/driver.c) into one binary file for native/test/ggml_test.cc:
//
//   node native/test/ggml_vectors.mjs OUT.bin [VECTORS_DIR]
//
// Layout, little-endian, no padding:
//   "QKGGMLV1"                              8 bytes
//   u32 format count
//   per format, in GgmlFormat order (native/src/kernels/ggml_types.h):
//     u32 format id, u32 block size, u32 bytes per block, u32 case count
//     per case:
//       u32 kind            0: quantize case (input -> bytes -> output), 1: random block bytes (bytes -> output)
//       u32 blocks
//       u32 name length, then the name (UTF-8)
//       kind 0 only: f32 input[blocks * block size]
//       u8 bytes[blocks * bytes per block]
//       f32 output[blocks * block size]
// The JSON files' nonFinite cases are left out: NaN and ±Inf are refused before the kernels (docs/GGML.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FORMATS = ['q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q8_1', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k'];

const here = dirname(fileURLToPath(import.meta.url));
const [out, vectorsDir = resolve(here, '../../packages/quant-core/test/vectors/ggml')] = process.argv.slice(2);
if (!out) {
  console.error('usage: node ggml_vectors.mjs OUT.bin [VECTORS_DIR]');
  process.exit(2);
}

const chunks = [];
const u32 = (v) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  chunks.push(b);
};

function addBase64(b64, expectedBytes, what) {
  const b = Buffer.from(b64, 'base64');
  if (b.length !== expectedBytes) throw new Error(`${what}: ${b.length} bytes, expected ${expectedBytes}`);
  chunks.push(b);
}

chunks.push(Buffer.from('QKGGMLV1', 'latin1'));
u32(FORMATS.length);
let total = 0;
FORMATS.forEach((format, id) => {
  const v = JSON.parse(readFileSync(join(vectorsDir, `${format}.json`), 'utf8'));
  if (v.format !== format) throw new Error(`${format}.json holds format ${v.format}`);
  const cases = [...v.cases.map((c) => [0, c]), ...v.randomBytes.map((c) => [1, c])];
  u32(id);
  u32(v.blockSize);
  u32(v.bytesPerBlock);
  u32(cases.length);
  for (const [kind, c] of cases) {
    const name = Buffer.from(c.name, 'utf8');
    u32(kind);
    u32(c.blocks);
    u32(name.length);
    chunks.push(name);
    const what = `${format} ${c.name}`;
    if (kind === 0) addBase64(c.input, c.blocks * v.blockSize * 4, `${what} input`);
    addBase64(c.bytes, c.blocks * v.bytesPerBlock, `${what} bytes`);
    addBase64(c.output, c.blocks * v.blockSize * 4, `${what} output`);
  }
  total += cases.length;
});
writeFileSync(out, Buffer.concat(chunks));
console.log(`ggml_vectors: ${total} cases of ${FORMATS.length} formats -> ${out}`);
