// Oracle vectors of transformers.js's `quantize_embeddings` (binary / ubinary only; it has no int8 path) on the binary
// inputs of sentence-transformers.json. transformers.js is not a dependency of this repository: install it elsewhere
// and pass that directory (see README.md):
//   mkdir /tmp/tfjs && cd /tmp/tfjs && npm init -y && npm i @huggingface/transformers --ignore-scripts
//   node generate-transformers-js.mjs /tmp/tfjs
// writes ../../test/vectors/embeddings/transformers-js.json (same base64 little-endian encoding).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vectors = join(here, '..', '..', 'test', 'vectors', 'embeddings');
const installDir = process.argv[2];
if (!installDir) throw new Error('usage: node generate-transformers-js.mjs <directory where @huggingface/transformers is installed>');

const packageDir = join(installDir, 'node_modules', '@huggingface', 'transformers');
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const entry = packageJson.exports.node.import.default;
const { quantize_embeddings: quantizeEmbeddings, Tensor } = await import(pathToFileURL(join(packageDir, entry)).href);
const lock = JSON.parse(readFileSync(join(installDir, 'package-lock.json'), 'utf8'));
const locked = lock.packages['node_modules/@huggingface/transformers'];

const st = JSON.parse(readFileSync(join(vectors, 'sentence-transformers.json'), 'utf8'));
const b64 = (view) => Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');

const cases = [];
for (const c of st.cases.filter((c) => c.kind === 'binary')) {
  const bytes = Buffer.from(c.embeddings, 'base64');
  const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const results = {};
  for (const precision of ['ubinary', 'binary']) {
    try {
      const q = quantizeEmbeddings(new Tensor('float32', x.slice(), [c.rows, c.dim]), precision);
      results[precision] = { codes: b64(q.data), codesDType: q.type, shape: q.dims };
    } catch (error) {
      results[precision] = { error: `${error.name}: ${error.message}` };
    }
  }
  cases.push({ name: c.name, rows: c.rows, dim: c.dim, dtype: 'float32', embeddings: c.embeddings, results });
}

const doc = {
  provenance: {
    package: '@huggingface/transformers',
    version: packageJson.version,
    resolved: locked?.resolved,
    integrity: locked?.integrity,
    function: 'quantize_embeddings (src/utils/tensor.js), imported from the package entry ' + entry,
    node: process.version,
    generator: 'packages/quant-core/scripts/embeddings-oracle/generate-transformers-js.mjs',
    inputs: 'the binary cases of sentence-transformers.json (same names, same embeddings)',
    encoding: 'base64 of little-endian bytes; `results[precision]` is {codes, shape} or {error}',
  },
  cases,
};
const out = join(vectors, 'transformers-js.json');
writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
console.log(`wrote ${cases.length} cases to ${relative(process.cwd(), out)}`);
