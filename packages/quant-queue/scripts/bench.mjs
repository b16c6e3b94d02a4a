#!/usr/bin/env node
/**
 * `pnpm --filter @quantkit/quant-queue bench:queue`: throughput of `quant submit --wait` with 1, 2 and 4 worker processes
 * on this machine (files/s, GB/s of input), against one `quant quantize` process, and the queue's own cost per job
 * (empty jobs through one worker process). Starts its own redis-server on a free port.
 * Writes packages/quant-bench/results/queue-latest.json (docs/BENCHMARKS.md's queue section is rendered from it).
 *
 *   node scripts/bench.mjs [--files 32] [--mib 16] [--empty 500] [--workers 1,2,4] [--runs 2] [--json FILE]
 *
 * Every figure is the best of --runs runs (the machine is shared).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const QUANT = resolve(HERE, '../../quant-cli/dist/bin.js');
const DEFAULT_JSON = resolve(HERE, '../../quant-bench/results/queue-latest.json');
const REDIS_SERVER = process.env.QUANT_REDIS_SERVER ?? '/usr/bin/redis-server';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    files: { type: 'string', default: '32' },
    mib: { type: 'string', default: '16' },
    empty: { type: 'string', default: '500' },
    workers: { type: 'string', default: '1,2,4' },
    runs: { type: 'string', default: '2' },
    json: { type: 'string', default: DEFAULT_JSON },
  },
});
const FILES = Number(values.files);
const MIB = Number(values.mib);
const EMPTY = Number(values.empty);
const WORKERS = values.workers.split(',').map(Number);
const RUNS = Number(values.runs);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** The best of `runs` timings of `measure` (the machine is shared: the fastest run is the least disturbed one). */
async function best(runs, measure) {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) fastest = Math.min(fastest, await measure(i));
  return fastest;
}

/** Runs quant to completion; returns wall seconds (process start to exit). */
function quant(args, env = {}) {
  return new Promise((res, rej) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [QUANT, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.resume();
    child.on('close', (code) => (code === 0 ? res(Number(process.hrtime.bigint() - started) / 1e9) : rej(new Error(`quant ${args[0]} exited ${code}: ${err}`))));
  });
}

function startWorker(redis, prefix) {
  const child = spawn(process.execPath, [QUANT, 'worker', '--redis', redis, '--prefix', prefix, '--threads', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const ready = new Promise((res, rej) => {
    child.stderr.on('data', (d) => {
      err += d;
      if (/ready/.test(err)) res();
    });
    child.on('exit', (code) => rej(new Error(`worker exited ${code}: ${err}`)));
  });
  ready.catch(() => {});
  return { child, ready };
}

async function stopWorkers(workers) {
  await Promise.all(workers.map((w) => new Promise((res) => (w.child.exitCode !== null ? res() : (w.child.once('exit', res), w.child.kill('SIGTERM'))))));
}

/** A safetensors file of four float32 tensors of pseudo-random values (xorshift), `mib` MiB of data. */
function writeInput(path, mib, seed) {
  const perTensor = (mib * 2 ** 20) / 4 / 4;
  const header = {};
  const parts = [];
  let s = seed >>> 0 || 1;
  for (let t = 0; t < 4; t++) {
    const x = new Float32Array(perTensor);
    for (let i = 0; i < x.length; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      x[i] = (s / 2 ** 32 - 0.5) * 8;
    }
    header[`t${t}`] = { dtype: 'F32', shape: [perTensor / 256, 256], data_offsets: [t * x.byteLength, (t + 1) * x.byteLength] };
    parts.push(Buffer.from(x.buffer));
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([len, json, ...parts]));
}

function sameTree(a, b) {
  for (const f of readdirSync(a)) if (Buffer.compare(readFileSync(join(a, f)), readFileSync(join(b, f))) !== 0) throw new Error(`${f} differs between ${a} and ${b}`);
}

const dir = mkdtempSync(join(tmpdir(), 'quant-queue-bench-'));
const port = await freePort();
const redisDir = join(dir, 'redis');
mkdirSync(redisDir);
const server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], { stdio: 'ignore' });
const redis = `redis://127.0.0.1:${port}`;
await new Promise((r) => setTimeout(r, 300));
const loadStart = loadavg()[0];
const startedAt = new Date().toISOString();

try {
  const input = join(dir, 'in');
  mkdirSync(input);
  for (let i = 0; i < FILES; i++) writeInput(join(input, `m${i}.safetensors`), MIB, i + 1);
  const inputBytes = readdirSync(input).reduce((s, f) => s + readFileSync(join(input, f)).length, 0);
  const rate = (seconds) => ({ seconds, filesPerSecond: FILES / seconds, gbPerSecond: inputBytes / seconds / 1e9 });
  console.log(`inputs: ${FILES} files x ${MIB} MiB (${(inputBytes / 2 ** 20).toFixed(0)} MiB) in ${input}`);

  const single = rate(await best(RUNS, () => quant(['quantize', input, '-o', join(dir, 'single') + '/', '--quiet', '--threads', '1', '--force'])));
  console.log(`quant quantize, one process, --threads 1: ${single.seconds.toFixed(2)} s, ${single.filesPerSecond.toFixed(2)} files/s, ${single.gbPerSecond.toFixed(3)} GB/s`);

  // What `quant submit` itself costs (process start, planning from the inputs' headers, queueing), with no worker.
  const submitSeconds = await best(RUNS, (k) => quant(['submit', input, '-o', join(dir, 'submit-only') + '/', '--redis', redis, '--prefix', `benchsubmit-${k}`, '--quiet']));
  console.log(`quant submit alone (no --wait, no worker): ${submitSeconds.toFixed(2)} s`);

  const queued = [];
  for (const n of WORKERS) {
    const out = join(dir, `queued${n}`);
    const r = rate(
      await best(RUNS, async (k) => {
        // A prefix per run: nothing of an earlier run is reused.
        const prefix = `bench${n}-${k}`;
        const workers = Array.from({ length: n }, () => startWorker(redis, prefix));
        await Promise.all(workers.map((w) => w.ready));
        const seconds = await quant(['submit', input, '-o', out + '/', '--redis', redis, '--prefix', prefix, '--wait', '--quiet', '--force']);
        await stopWorkers(workers);
        sameTree(join(dir, 'single'), out);
        return seconds;
      }),
    );
    queued.push({ workers: n, ...r });
    console.log(`quant submit --wait, ${n} worker process(es): ${r.seconds.toFixed(2)} s, ${r.filesPerSecond.toFixed(2)} files/s, ${r.gbPerSecond.toFixed(3)} GB/s (same bytes as quantize)`);
  }

  // Empty jobs: `noop` jobs (processors.ts) through the queue to one real worker process, from the first add to the
  // last completion; the worker does for each what it does for every job but the work (cancel check, owner record).
  const { Queue } = await import('bullmq');
  const emptyMs = await best(RUNS, async (k) => {
    const prefix = `benchempty-${k}`;
    const worker = startWorker(redis, prefix);
    await worker.ready;
    const queue = new Queue('quant', { connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null }, prefix });
    const data = (i) => ({ id: `noop${i}`, file: { output: join(dir, 'noop'), inputs: [] }, options: {}, force: false });
    const started = process.hrtime.bigint();
    await queue.addBulk(Array.from({ length: EMPTY }, (_, i) => ({ name: 'noop', data: data(i), opts: { jobId: `noop-${i}` } })));
    while ((await queue.getJobCounts('completed')).completed < EMPTY) await new Promise((r) => setTimeout(r, 10));
    const ms = Number(process.hrtime.bigint() - started) / 1e6 / EMPTY;
    await queue.close();
    await stopWorkers([worker]);
    return ms;
  });
  console.log(`${EMPTY} empty jobs through the queue to one worker process: ${emptyMs.toFixed(2)} ms per job`);

  const result = {
    schema: 1,
    startedAt,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverageStart: loadStart, loadAverageEnd: loadavg()[0], node: process.version },
    inputs: { files: FILES, mibPerFile: MIB, tensorsPerFile: 4, bytes: inputBytes },
    options: `quant defaults (8-bit affine per tensor); every worker and the single process with --threads 1; best of ${RUNS} runs`,
    single,
    submitSeconds,
    queued,
    emptyJobs: { jobs: EMPTY, msPerJob: emptyMs },
  };
  mkdirSync(dirname(values.json), { recursive: true });
  writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${values.json}`);
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
