// After `changeset version`: copy @quantkit/quant-core's version into its VERSION constant, which backends report and
// loaders compare (packages/quant-core/test/version.test.ts fails if they drift).
import { readFileSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../packages/quant-core/package.json', import.meta.url), 'utf8'));
const file = new URL('../packages/quant-core/src/version.ts', import.meta.url);
const source = readFileSync(file, 'utf8').replace(/VERSION = '[^']*'/, `VERSION = '${pkg.version}'`);
writeFileSync(file, source);
console.log(`VERSION = ${pkg.version}`);
