import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORPUS_FORMAT, type CorpusFile } from './schema.js';

/** The package's corpus/ folder (the same relative path from src/corpus and dist/corpus). */
export const CORPUS_DIR = fileURLToPath(new URL('../../corpus/', import.meta.url));

/** File name of the upstream ONNX backend test vectors, copied verbatim into the corpus. */
export const ONNX_VECTORS_FILE = 'onnx-qdq.json';

const cache = new Map<string, unknown>();

function readJson(name: string): unknown {
  let v = cache.get(name);
  if (v === undefined) {
    v = JSON.parse(readFileSync(`${CORPUS_DIR}${name}`, 'utf8'));
    cache.set(name, v);
  }
  return v;
}

/** A generated corpus family, by name (e.g. 'rounding-ties'). */
export function loadCorpusFamily(family: string): CorpusFile {
  const file = readJson(`${family}.json`) as CorpusFile;
  if (file.format !== CORPUS_FORMAT) throw new Error(`corpus/${family}.json has format ${String(file.format)}, expected ${CORPUS_FORMAT}`);
  return file;
}

/** The names of every JSON file in the corpus (generated families and the ONNX vectors). */
export function corpusFileNames(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export interface OnnxVectorTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly bits_hex?: readonly string[];
  readonly packed_hex?: string;
}

export interface OnnxVectorCase {
  readonly name: string;
  readonly op: 'QuantizeLinear' | 'DequantizeLinear' | 'DynamicQuantizeLinear';
  readonly granularity: string;
  readonly attributes: Readonly<Record<string, number>>;
  readonly inputs: Readonly<Record<string, OnnxVectorTensor>>;
  readonly output?: OnnxVectorTensor;
  readonly outputs?: Readonly<Record<string, OnnxVectorTensor>>;
}

export function loadOnnxVectors(): readonly OnnxVectorCase[] {
  return (readJson(ONNX_VECTORS_FILE) as { cases: OnnxVectorCase[] }).cases;
}
