import { readFileSync } from 'node:fs';

/** The CLI package's own version (package.json sits one level above src/ and dist/). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
