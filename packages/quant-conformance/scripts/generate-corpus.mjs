#!/usr/bin/env node
// Regenerates corpus/*.json (all but the upstream onnx-qdq.json) from the reference backend. Run after `pnpm build`:
//   pnpm --filter @quantkit/quant-conformance corpus
// The files are checked in; test/corpus.test.ts fails when they differ from what this script would write.
import { writeFileSync } from 'node:fs';
import { CORPUS_DIR } from '../dist/corpus/load.js';
import { formatCorpusJson } from '../dist/corpus/format.js';
import { generateCorpus } from '../dist/corpus/generate.js';

for (const file of generateCorpus()) {
  const path = `${CORPUS_DIR}${file.family}.json`;
  const text = formatCorpusJson(file);
  writeFileSync(path, text);
  console.log(`${file.family}.json: ${file.cases.length} cases, ${(text.length / 1024).toFixed(0)} KiB`);
}
