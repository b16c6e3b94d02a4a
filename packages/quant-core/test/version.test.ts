import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { referenceBackend, VERSION } from './helpers/api.js';

it('VERSION matches package.json (backends compare versions at load time)', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
  expect(referenceBackend.version).toBe(pkg.version);
});
