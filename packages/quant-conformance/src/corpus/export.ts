import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR } from './load.js';

/**
 * Writes the golden corpus (every JSON file of corpus/, plus its README describing the format) into `dir`, creating
 * it if needed, so implementations in other languages can run the same cases. Returns the paths written.
 */
export function exportCorpus(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of readdirSync(CORPUS_DIR).sort()) {
    if (!name.endsWith('.json') && name !== 'README.md') continue;
    const target = join(dir, name);
    copyFileSync(join(CORPUS_DIR, name), target);
    written.push(target);
  }
  return written;
}
