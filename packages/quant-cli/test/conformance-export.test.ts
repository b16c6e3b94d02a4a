import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, tempDir } from './helpers/run-cli.js';

describe('quant conformance export', () => {
  const tmp = tempDir('quant-corpus-');
  beforeAll(checkBuilt);
  afterAll(() => tmp.cleanup());

  it('writes the golden corpus as JSON files another implementation can read', () => {
    const dir = join(tmp.dir, 'corpus');
    const run = quant(['conformance', 'export', dir]);
    expect(run.status).toBe(0);
    const files = readdirSync(dir);
    expect(files).toContain('README.md');
    expect(files).toContain('onnx-qdq.json');
    expect(files).toContain('seed-walkthrough.json');
    for (const name of files.filter((f) => f.endsWith('.json'))) {
      const parsed = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
      expect(parsed, name).toBeTypeOf('object');
    }
  });

  it('rejects a missing directory with a usage error', () => {
    const run = quant(['conformance', 'export']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('quant conformance export <dir>');
  });
});
