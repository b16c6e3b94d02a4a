// Synthetic recall figures of docs/EMBEDDINGS.md (not a test; no real embedding set is available offline): seeded,
// clustered, L2-normalised embeddings with a per-dimension offset (real sentence embeddings are not centred), searched
// exactly in float and through each quantization; recall@10 = |quantized top 10 ∩ exact top 10| / 10, averaged over
// the queries. Run from packages/quant-core (about a minute):
//   node --import ./test/helpers/ts-register.mjs scripts/embeddings-oracle/recall.mjs [rows] [dim] [queries]
import { Rng } from '../../../quant-conformance/src/random.ts';
import {
  dotScanAsymmetric,
  dotScanFloat,
  dotScanInt8,
  hammingScan,
  quantizeEmbeddings,
  searchBinaryRescore,
  topK,
} from '../../src/embeddings/index.ts';

const [rows, dim, queries] = [Number(process.argv[2] ?? 20000), Number(process.argv[3] ?? 384), Number(process.argv[4] ?? 200)];
const SEED = 384017;
const CLUSTERS = 200;
const K = 10;
const rng = new Rng(SEED);

function normalise(v) {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

// Cluster centres around a shared offset; each point a centre plus noise of its cluster's own spread.
const offset = Float64Array.from({ length: dim }, () => rng.normal() * 0.04);
const centres = Array.from({ length: CLUSTERS }, () => normalise(Float64Array.from({ length: dim }, () => rng.normal())));
const spreads = Array.from({ length: CLUSTERS }, () => 0.6 + rng.next() * 0.8);
function sample(out, at) {
  const c = rng.int(0, CLUSTERS - 1);
  const v = Float64Array.from({ length: dim }, (_, i) => centres[c][i] + (spreads[c] * rng.normal()) / Math.sqrt(dim));
  normalise(v);
  for (let i = 0; i < dim; i++) out[at + i] = Math.fround(v[i] + offset[i]);
  normalise(out.subarray(at, at + dim));
}
const corpus = new Float32Array(rows * dim);
for (let r = 0; r < rows; r++) sample(corpus, r * dim);
const queryRows = new Float32Array(queries * dim);
for (let q = 0; q < queries; q++) sample(queryRows, q * dim);

const calibration = corpus.subarray(0, Math.min(rows, 5000) * dim); // ranges from a calibration sample, as upstream recommends
const int8 = quantizeEmbeddings(corpus, { dim, precision: 'int8', calibration });
const binary = quantizeEmbeddings(corpus, { dim, precision: 'ubinary' });

const methods = {
  'int8, asymmetric (float32 query)': [],
  'int8, symmetric (query quantized too)': [],
  'binary, Hamming only': [],
  'binary + rescore x4 with int8 (asymmetric)': [],
  'binary + rescore x4 with float32': [],
};
const scores = new Float64Array(rows);
const ints = new Int32Array(rows);
const distances = new Uint32Array(rows);
const recall = (got, exact) => got.filter((i) => exact.has(i)).length / K;
const started = Date.now();
for (let q = 0; q < queries; q++) {
  const query = queryRows.subarray(q * dim, (q + 1) * dim);
  dotScanFloat(query, corpus, dim, scores);
  const exact = new Set(topK(scores, K, 'descending'));
  dotScanAsymmetric(query, int8.data, int8.min, int8.steps, dim, scores);
  methods['int8, asymmetric (float32 query)'].push(recall(Array.from(topK(scores, K, 'descending')), exact));
  const qCodes = quantizeEmbeddings(query, { dim, precision: 'int8', ranges: { min: int8.min, max: int8.max } });
  dotScanInt8(qCodes.data, int8.data, dim, ints);
  methods['int8, symmetric (query quantized too)'].push(recall(Array.from(topK(ints, K, 'descending')), exact));
  const qBits = quantizeEmbeddings(query, { dim, precision: 'ubinary' });
  hammingScan(qBits.data, binary.data, binary.bytesPerRow, distances);
  methods['binary, Hamming only'].push(recall(Array.from(topK(distances, K, 'ascending')), exact));
  const viaInt8 = searchBinaryRescore(query, binary, { k: K, rescoreMultiplier: 4, rescoreWith: int8 });
  methods['binary + rescore x4 with int8 (asymmetric)'].push(recall(Array.from(viaInt8.indices), exact));
  const viaFloat = searchBinaryRescore(query, binary, { k: K, rescoreMultiplier: 4, rescoreWith: corpus });
  methods['binary + rescore x4 with float32'].push(recall(Array.from(viaFloat.indices), exact));
}

console.log(`synthetic: ${rows} x ${dim}, ${CLUSTERS} clusters, ${queries} queries, seed ${SEED} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
console.log('| method | bytes / vector | recall@10 (mean) | min over queries |');
console.log('|---|---|---|---|');
const bytes = { int8: dim, binary: Math.ceil(dim / 8) };
for (const [name, values] of Object.entries(methods)) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const size = name.startsWith('int8') ? bytes.int8 : name.includes('int8') ? `${bytes.binary} + ${bytes.int8}` : name.includes('float32') ? `${bytes.binary} + ${4 * dim}` : bytes.binary;
  console.log(`| ${name} | ${size} | ${mean.toFixed(3)} | ${Math.min(...values).toFixed(1)} |`);
}
