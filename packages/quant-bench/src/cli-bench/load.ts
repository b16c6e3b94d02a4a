import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliBenchResult } from './result.js';

export const CLI_RESULT_FILE = 'cli-latest.json';

/** The last `pnpm bench:cli` result in the results directory, if there is one. */
export function loadCliResult(resultsDir: string): CliBenchResult | undefined {
  const file = join(resultsDir, CLI_RESULT_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as CliBenchResult;
}
