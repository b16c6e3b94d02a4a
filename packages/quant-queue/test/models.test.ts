import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeGguf } from './helpers/gguf.js';
import { checkBuilt, quant } from './helpers/quant.js';
import { redisAvailable } from './helpers/redis-server.js';
import { listTree, submit, world, type World } from './helpers/setup.js';

/*
 * `quant submit --command onnx|gguf`: one job per model, run by real worker processes through a real redis-server,
 * writing the bytes `quant onnx` / `quant gguf` write; a bad model fails with the command's code; what the commands
 * warn about (quantize's range overflow and unmatched globs, onnx's unmatched plan patterns, gguf's notes) reaches
 * `quant status` and the end of `submit --wait`.
 */

/** A real ONNX model (quant-onnx's test fixture: openWakeWord's "hello deepa" classifier, provenance in its README). */
const ONNX_MODEL = fileURLToPath(new URL('../../quant-onnx/test/fixtures/openwakeword-hello_deepa.onnx', import.meta.url));

/** A plan whose one pattern matches no weight (quant onnx warns about it). */
const UNMATCHED_PLAN = '{"format": "quantkit.plan", "version": 1, "tensors": [{"match": "nothing.*", "keep": true}]}';

/** A float32 safetensors file whose values reach ±FLT_MAX: an affine 8-bit grid overflows float32 (quantize warns). */
function writeOverflowing(path: string): void {
  const x = new Float32Array(64 * 4);
  for (let i = 0; i < x.length; i++) x[i] = ((i % 7) - 3) * 1e37;
  x[5] = 3.4028234663852886e38;
  x[200] = -3.4028234663852886e38;
  const json = Buffer.from(JSON.stringify({ big: { dtype: 'F32', shape: [64, 4], data_offsets: [0, x.byteLength] } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([length, json, Buffer.from(x.buffer)]));
}

interface StatusJson {
  exitStatus: number;
  units: { output: string; state: string; failure?: { code: string; exitStatus: number; message: string } }[];
  warnings: { kind: string; file?: string; tensor?: string; message: string }[];
}

const run = redisAvailable() ? describe : describe.skip;

// Concurrent: each case waits mostly on process start-up; two workers of concurrency 2 share the jobs.
run.concurrent('quant submit --command onnx / gguf, and the commands\' warnings', () => {
  let w: World;

  beforeAll(async () => {
    checkBuilt();
    w = await world('models');
    await w.workers.add(2, {}, ['--concurrency', '2']);
  });
  afterAll(async () => w?.close());

  const same = (a: string, b: string): boolean => Buffer.compare(readFileSync(a), readFileSync(b)) === 0;

  it('onnx: one job per model, the bytes of quant onnx; a corrupt model fails with E_ONNX_PARSE; resubmitting reuses', async () => {
    const input = join(w.dir, 'onnx-in');
    mkdirSync(join(input, 'sub'), { recursive: true });
    copyFileSync(ONNX_MODEL, join(input, 'a.onnx'));
    copyFileSync(ONNX_MODEL, join(input, 'sub', 'b.onnx'));
    writeFileSync(join(input, 'c.onnx'), 'not a protobuf at all');
    const out = join(w.dir, 'onnx-out');
    const options = ['--mode', 'qdq', '--granularity', 'tensor', '--scheme', 'affine', '--calibrate', 'percentile:99.9'];
    const [s, local] = await Promise.all([
      submit(w, ['--command', 'onnx', input, '-o', `${out}/`, '--wait', '--json', ...options]),
      quant(['onnx', join(input, 'a.onnx'), '-o', join(w.dir, 'local-a.onnx'), ...options]),
    ]);
    expect(local.status, local.stderr).toBe(0);
    expect(s.status, s.stderr).toBe(1); // a batch with a failure
    const status = JSON.parse(s.stdout) as StatusJson;
    expect(status.units.map((u) => u.state).sort()).toEqual(['done', 'done', 'failed']);
    const failed = status.units.find((u) => u.state === 'failed')!;
    expect(failed.failure).toMatchObject({ code: 'E_ONNX_PARSE', exitStatus: 4 });
    const direct = await quant(['onnx', join(input, 'c.onnx'), '-o', join(w.dir, 'never.onnx')]);
    expect(direct.status).toBe(4);
    expect(direct.stderr).toContain(failed.failure!.message);
    expect(listTree(out)).toEqual(['a.onnx', 'sub/b.onnx']);
    expect(same(join(out, 'a.onnx'), join(w.dir, 'local-a.onnx'))).toBe(true);
    expect(same(join(out, 'sub', 'b.onnx'), join(w.dir, 'local-a.onnx'))).toBe(true);

    const again = await submit(w, ['--command', 'onnx', join(input, 'a.onnx'), join(input, 'sub', 'b.onnx'), '-o', `${out}/`, '--wait', ...options]);
    expect(again.status, again.stderr).toBe(0);
    // b.onnx is named directly now: its output is out/b.onnx, new work; a.onnx's is reused.
    expect(again.stderr).toMatch(/2 files \(1 already done\)/);
  });

  it('onnx: a plan pattern matching no weight is a warning on the run, shown by status and --wait', async () => {
    const plan = join(w.dir, 'plan.json');
    writeFileSync(plan, UNMATCHED_PLAN);
    const out = join(w.dir, 'onnx-plan.onnx');
    const s = await submit(w, ['--command', 'onnx', ONNX_MODEL, '-o', out, '--plan', plan, '--wait']);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/warning: .*openwakeword-hello_deepa\.onnx: plan patterns that match no weight: nothing\.\*/);
    const local = await quant(['onnx', ONNX_MODEL, '-o', join(w.dir, 'local-plan.onnx'), '--plan', plan]);
    expect(local.stderr).toContain('plan patterns that match no weight: nothing.*');
    expect(same(out, join(w.dir, 'local-plan.onnx'))).toBe(true);
  });

  it("gguf: the bytes of quant gguf; its notes are the run's warnings, in quant status too", async () => {
    const input = join(w.dir, 'gguf-in');
    mkdirSync(input);
    // ffn_down's rows of 96 are not whole Q4_K blocks: quant gguf notes its fallback to Q5_0.
    const tensors = [
      { name: 'blk.0.attn_q.weight', dims: [256, 8] },
      { name: 'blk.0.ffn_down.weight', dims: [96, 4] },
      { name: 'blk.0.attn_norm.weight', dims: [256] },
    ];
    writeGguf(join(input, 'm1.gguf'), tensors, 1);
    writeGguf(join(input, 'm2.gguf'), tensors, 2);
    const out = join(w.dir, 'gguf-out');
    const s = await submit(w, ['--command', 'gguf', input, '-o', `${out}/`, '--type', 'q4_k', '--type-for', 'blk.0.attn_q.weight=q8_0', '--wait']);
    expect(s.status, s.stderr).toBe(0);
    const runId = s.stdout.trim();
    for (const m of ['m1', 'm2']) {
      const local = await quant(['gguf', join(input, `${m}.gguf`), '-o', join(w.dir, `local-${m}.gguf`), '--type', 'q4_k', '--type-for', 'blk.0.attn_q.weight=q8_0', '--threads', '1']);
      expect(local.status, local.stderr).toBe(0);
      expect(local.stderr).toContain("tensor 'blk.0.ffn_down.weight': rows of 96 are not whole Q4_K blocks of 256: Q5_0 instead");
      expect(same(join(out, `${m}.gguf`), join(w.dir, `local-${m}.gguf`))).toBe(true);
    }
    const status = await quant(['status', runId, '--redis', w.redis.url, '--prefix', w.prefix]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout.match(/warning: .*m\d\.gguf: tensor 'blk\.0\.ffn_down\.weight': rows of 96 are not whole Q4_K blocks of 256: Q5_0 instead/g)).toHaveLength(2);
    expect(s.stderr).toContain("tensor 'blk.0.ffn_down.weight': rows of 96 are not whole Q4_K blocks of 256: Q5_0 instead");
  });

  it("gguf: a truncated model fails with quant gguf's code and exit status", async () => {
    const bad = join(w.dir, 'bad.gguf');
    writeFileSync(bad, 'GGUF\x03\x00\x00\x00');
    const s = await submit(w, ['--command', 'gguf', bad, '-o', join(w.dir, 'bad-out.gguf'), '--type', 'q8_0', '--wait']);
    expect(s.status, s.stderr).toBe(4); // one file: its own status, as quant gguf exits
    expect(s.stderr).toMatch(/bad\.gguf.*\[E_GGUF_TRUNCATED\]/);
  });

  it('quantize: range overflow (on a whole and on a split tensor) and unmatched globs reach status and --wait, as quantize prints them', async () => {
    const input = join(w.dir, 'overflow.safetensors');
    writeOverflowing(input);
    const local = await quant(['quantize', input, '-o', join(w.dir, 'local-overflow.safetensors'), '--exclude', 'nomatch*']);
    expect(local.status, local.stderr).toBe(0);
    const expected = [...local.stderr.matchAll(/quant: warning: (.*)/g)].map((m) => m[1]!.replace(/^overflow\.safetensors|^\/.*overflow\.safetensors/, 'FILE'));
    expect(expected).toHaveLength(2);
    for (const split of [[], ['--split-elements', '64']]) {
      const out = join(w.dir, `overflow-${split.length}.safetensors`);
      const s = await submit(w, [input, '-o', out, '--exclude', 'nomatch*', '--wait', '--json', ...split]);
      expect(s.status, s.stderr).toBe(0);
      const status = JSON.parse(s.stdout) as StatusJson;
      const got = status.warnings.map((x) => [x.file === undefined ? [] : ['FILE'], x.tensor === undefined ? [] : [`tensor '${x.tensor}'`], [x.message]].flat().join(': '));
      expect(got).toEqual(expected);
      expect(same(out, join(w.dir, 'local-overflow.safetensors'))).toBe(true);
    }
  });

  it("bad options are refused at submit with the command's codes, before anything is queued", async () => {
    const cases: [string[], number, string][] = [
      [['--command', 'onnx', ONNX_MODEL, '--mode', 'bogus'], 2, 'E_ONNX_OPTION'],
      [['--command', 'onnx', ONNX_MODEL, '--bits', 'x'], 2, 'E_USAGE'],
      [['--command', 'onnx', ONNX_MODEL, '--report', 'r.json'], 2, 'E_USAGE'],
      [['--command', 'onnx', ONNX_MODEL, '--bogus', 'x'], 2, 'E_USAGE'],
      [['--command', 'gguf', ONNX_MODEL, '--type', 'q8_0', '--threads', '2'], 2, 'E_USAGE'],
      [['--command', 'gguf', ONNX_MODEL], 2, 'E_GGUF_OPTION'],
      [['--command', 'gguf', ONNX_MODEL, '--type', 'q9'], 2, 'E_GGUF_OPTION'],
      [['--command', 'tflite', ONNX_MODEL], 2, 'E_USAGE'],
    ];
    const results = await Promise.all(cases.map(([args]) => submit(w, [...args, '-o', join(w.dir, 'never/')])));
    cases.forEach(([args, exitStatus, code], i) => {
      expect(results[i]!.status, `${args.join(' ')}: ${results[i]!.stderr}`).toBe(exitStatus);
      expect(results[i]!.stderr).toContain(`[${code}]`);
    });
    expect(listTree(w.dir).some((f) => f.startsWith('never'))).toBe(false);
  });
});
