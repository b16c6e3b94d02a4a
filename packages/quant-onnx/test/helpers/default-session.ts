import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ORT = require.resolve('onnxruntime-node');

/**
 * Opens each model in a fresh Node process with onnxruntime-node's DEFAULT session options (graph optimizations on, its
 * default log level) and returns what the process printed on stderr: a model with an operator the CPU provider lacks, or
 * one onnxruntime warns about, shows here (in-process, the native log cannot be captured).
 */
export function openWithDefaults(models: readonly Uint8Array[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'quant-onnx-default-'));
  try {
    const files = models.map((m, i) => {
      const file = join(dir, `m${i}.onnx`);
      writeFileSync(file, m);
      return file;
    });
    const script = `const ort = require(${JSON.stringify(ORT)});
(async () => { for (const f of ${JSON.stringify(files)}) { const s = await ort.InferenceSession.create(f); await s.release(); } })().catch((e) => { console.error(String(e)); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`onnxruntime-node could not open the model with default options: ${r.stderr}`);
    return r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
