import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkBuilt, quant, start, type Running } from './helpers/quant.js';
import { redisAvailable } from './helpers/redis-server.js';
import { listTree, sameTree, submit, world, type World } from './helpers/setup.js';
import { writeSafetensors, writeTruncated } from './helpers/tensors.js';

/*
 * Faults, with a real redis-server and real worker processes: a worker killed mid-job, Redis restarted mid-run, a
 * corrupt input among good ones, a run cancelled mid-way, a worker told to stop. Jobs are slowed down by the CLI's test
 * hook (QUANT_CLI_TEST_DELAY_MS: a pause after each tensor or shard) so that each fault lands mid-job.
 */

const SLOW = { QUANT_CLI_TEST_DELAY_MS: '300' };

/** Whether `x` has started a job of `kind` that it has not finished (its log has `start kind id` without `done kind id`). */
function midJob(x: Running, kind: string): boolean {
  const log = x.stderr();
  return [...log.matchAll(new RegExp(`start ${kind} (\\S+)`, 'g'))].some((m) => !new RegExp(`(done|failed) ${kind} ${m[1]!}(\\s|$)`).test(log));
}

/** The first of `workers` (not in `taken`) caught in the middle of a job of `kind`; polls their logs for 30 s. */
async function firstMidJob(workers: readonly Running[], kind: string, taken: readonly Running[]): Promise<Running> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const hit = workers.find((x) => !taken.includes(x) && midJob(x, kind));
    if (hit !== undefined) return hit;
    if (Date.now() > deadline) throw new Error(`no worker was caught in the middle of a ${kind} job within 30 s:\n${workers.map((x) => x.stderr()).join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const run = redisAvailable() ? describe : describe.skip;

run('quant workers under faults', () => {
  let w: World;
  let prefixes = 0;

  beforeAll(() => checkBuilt());
  afterEach(async () => w?.close());

  /** `files` inputs of three tensors each (and one split into shards with --split-elements 100). */
  function inputs(name: string, files: number): string {
    const dir = join(w.dir, name);
    mkdirSync(dir);
    for (let i = 0; i < files; i++) {
      writeSafetensors(join(dir, `m${i}.safetensors`), [
        { name: 'a', dtype: 'F32', shape: [16, 8] },
        { name: 'b', dtype: 'F32', shape: [40, 10] },
        { name: 'c', dtype: 'F16', shape: [8] },
      ], i + 1);
    }
    return dir;
  }

  async function expectSameAsQuantize(input: string, output: string, options: readonly string[] = []): Promise<void> {
    const local = join(w.dir, 'local');
    const q = await quant(['quantize', input, '-o', `${local}/`, '--quiet', ...options]);
    expect(q.status, q.stderr).toBe(0);
    expect(sameTree(local, output)).toBe(readdirSync(input).length);
  }

  const noTemporaries = (dir: string): void => expect(listTree(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

  async function fresh(): Promise<World> {
    w = await world(`faults${prefixes++}`);
    return w;
  }

  it('workers killed with SIGKILL mid-job (a shard, a whole file): others take the jobs over; same bytes, no temporary left', async () => {
    await fresh();
    const input = inputs('in', 4);
    // Three files small enough to be one job each (every tensor under --split-elements).
    for (let i = 0; i < 3; i++) {
      writeSafetensors(join(input, `small${i}.safetensors`), [
        { name: 'a', dtype: 'F32', shape: [8, 8] },
        { name: 'b', dtype: 'F64', shape: [10] },
        { name: 'c', dtype: 'BF16', shape: [4, 4] },
      ], 10 + i);
    }
    const workers = await w.workers.add(4, SLOW);
    const out = join(w.dir, 'out');
    const waiting = submit(w, [input, '-o', `${out}/`, '--wait', '--split-elements', '100']);
    // The first worker seen in the middle of a shard job and the first other one seen in the middle of a whole-file
    // job are the victims (which worker takes which job is BullMQ's choice, so the victims are picked as it happens).
    // A shard job pauses 300 ms after writing, a file job after each of its three tensors: 150 ms in, both are still
    // mid-job (the file job's temporary file exists).
    const victims: Running[] = [];
    const killMidJob = async (kind: 'shard' | 'file') => {
      const victim = await firstMidJob(workers, kind, victims);
      victims.push(victim);
      await new Promise((r) => setTimeout(r, 150));
      victim.child.kill('SIGKILL');
    };
    await Promise.all([killMidJob('shard'), killMidJob('file')]);
    const result = await waiting;
    expect(result.status, result.stderr).toBe(0);
    // Each victim's job was started again by another worker (stalled-job detection), after its lock expired.
    const others = w.workers.all.filter((x) => !victims.includes(x)).map((x) => x.stderr()).join('');
    for (const victim of victims) {
      const started = [...victim.stderr().matchAll(/start (\S+) (\S+)/g)].map((m) => [m[1]!, m[2]!] as const);
      const lost = started.filter(([kind, id]) => !victim.stderr().includes(`done ${kind} ${id}`));
      expect(lost).toHaveLength(1);
      expect(others).toContain(`start ${lost[0]![0]} ${lost[0]![1]} `);
    }
    noTemporaries(out);
    await expectSameAsQuantize(input, out);
  });

  it('Redis restarted mid-run (append-only file on): workers and the waiting submit reconnect, the run completes', async () => {
    await fresh();
    const input = inputs('in', 5);
    const workers = await w.workers.add(2, SLOW);
    const out = join(w.dir, 'out');
    const waiting = submit(w, [input, '-o', `${out}/`, '--wait']);
    await Promise.race(workers.map((x) => x.waitFor(/done file/)));
    await w.redis.restart(1000);
    const result = await waiting;
    expect(result.status, result.stderr).toBe(0);
    noTemporaries(out);
    await expectSameAsQuantize(input, out);
  });

  it('a corrupt input among good ones: its job fails with the CLI error, the others complete, status says why', async () => {
    await fresh();
    const input = inputs('in', 3);
    writeTruncated(join(input, 'broken.safetensors'));
    await w.workers.add(2);
    const out = join(w.dir, 'out');
    const result = await submit(w, [input, '-o', `${out}/`, '--wait']);
    const alone = await quant(['quantize', join(input, 'broken.safetensors'), '-o', join(w.dir, 'alone.safetensors')]);
    const code = /\[(E_[A-Z_]+)\]/.exec(alone.stderr)?.[1];
    expect(code).toMatch(/^E_/);
    // A batch with a failed file exits 1, as quant quantize does; the failure is printed with its code.
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`broken.safetensors`);
    expect(result.stderr).toContain(`[${code}]`);
    const runId = result.stdout.trim().split('\n')[0]!;
    const status = await quant(['status', runId, '--redis', w.redis.url, '--prefix', w.prefix, '--json']);
    expect(status.status, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { units: { output: string; state: string; failure?: { code: string; message: string; exitStatus: number } }[] };
    const failed = s.units.filter((u) => u.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failure!.code).toBe(code);
    expect(failed[0]!.failure!.exitStatus).toBe(alone.status);
    expect(alone.stderr).toContain(failed[0]!.failure!.message);
    expect(s.units.filter((u) => u.state === 'done')).toHaveLength(3);
    noTemporaries(out);
    expect(existsSync(join(out, 'broken.safetensors'))).toBe(false);
  });

  it('cancel mid-run: no new job starts, the running shard stops, temporaries are removed, --wait exits 130', async () => {
    await fresh();
    const input = inputs('in', 6);
    // Each shard job pauses 3 s after writing: the cancel lands while one runs.
    const [worker] = await w.workers.add(1, { QUANT_CLI_TEST_DELAY_MS: '3000' });
    const out = join(w.dir, 'out');
    const waiting = start(['submit', '--redis', w.redis.url, '--prefix', w.prefix, input, '-o', `${out}/`, '--wait', '--split-elements', '100']);
    await worker!.waitFor(/start shard/);
    const runId = (await new Promise<string>((resolve) => {
      const poll = (): void => {
        const id = /queued run ([0-9a-z]+-[0-9a-f]{8})/.exec(waiting.stderr())?.[1];
        if (id) resolve(id);
        else setTimeout(poll, 50);
      };
      poll();
    }));
    const cancel = await quant(['cancel', runId, '--redis', w.redis.url, '--prefix', w.prefix]);
    expect(cancel.status, cancel.stderr).toBe(0);
    const result = await waiting.done;
    expect(result.status, result.stderr).toBe(130);
    await worker!.waitFor(/failed .*E_ABORTED/);
    noTemporaries(out);
    const written = existsSync(out) ? listTree(out) : [];
    expect(written.length).toBeLessThan(6);
    const status = await quant(['status', runId, '--redis', w.redis.url, '--prefix', w.prefix, '--json']);
    const s = JSON.parse(status.stdout) as { cancelled: boolean; counts: Record<string, number> };
    expect(s.cancelled).toBe(true);
    expect(s.counts.cancelled).toBe(6 - written.length);
    expect(s.counts.running + s.counts.waiting).toBe(0);
    // Nothing starts after the cancel.
    const before = (worker!.stderr().match(/start /g) ?? []).length;
    await new Promise((r) => setTimeout(r, 1500));
    expect((worker!.stderr().match(/start /g) ?? []).length).toBe(before);
  });

  it('SIGTERM: the worker finishes its running job, then exits 0', async () => {
    await fresh();
    const input = inputs('in', 1);
    const [worker] = await w.workers.add(1, SLOW);
    const out = join(w.dir, 'out');
    const waiting = submit(w, [input, '-o', `${out}/`, '--wait']);
    await worker!.waitFor(/start file/);
    worker!.child.kill('SIGTERM');
    const exit = await worker!.done;
    expect(exit.status, exit.stderr).toBe(0);
    expect(exit.stderr).toMatch(/done file/);
    expect((await waiting).status).toBe(0);
    await expectSameAsQuantize(input, out);
  });
});
