import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostTag, temporaryOwner, temporaryPathFor } from '../../src/io/temporary-name.js';
import { writeRandomLayers } from '../helpers/data.js';
import { checkBuilt, quant, quantAsync, tempDir, waitForPartialOutput } from '../helpers/run-cli.js';

/*
 * Temporary outputs that outlive their process. SIGHUP and SIGQUIT clean up like SIGINT and SIGTERM; SIGKILL cannot
 * be caught, so the next run writing the same destination removes the temporaries of dead processes of this host
 * (their names carry host name and pid) and leaves every other one alone.
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());
beforeAll(checkBuilt);

const input = writeRandomLayers(join(tmp.dir, 'big.safetensors'), 16, [256, 256]);

/** The pid of a process that has exited (a child that ran to completion). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(r.status).toBe(0);
  return r.pid!;
}

describe.each([
  ['SIGHUP', 129],
  ['SIGQUIT', 131],
] as const)('%s during a write', (signal, status) => {
  it(`removes the temporary file and exits with ${status}`, async () => {
    const dir = tmp.subdir(`out-${signal}`);
    const run = quantAsync(['quantize', input, '-o', join(dir, 'q.safetensors')], { QUANT_CLI_TEST_DELAY_MS: '150' });
    const { child, done } = run;
    await waitForPartialOutput(dir, run);
    child.kill(signal);
    const r = await done;
    expect(r.signal).toBeNull();
    expect(r.status).toBe(status);
    expect(r.stderr).toContain(`interrupted by ${signal}`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('temporary files left by a killed run', () => {
  it('carry the host name and pid, and the next run to the same destination removes them', async () => {
    const dir = tmp.subdir('killed');
    const target = join(dir, 'q.safetensors');
    const run = quantAsync(['quantize', input, '-o', target], { QUANT_CLI_TEST_DELAY_MS: '150' });
    const { child, done } = run;
    const partial = await waitForPartialOutput(dir, run);
    expect(partial).toBe(`.q.safetensors.quant-${hostTag()}-${child.pid}-${partial.slice(-12, -4)}.tmp`);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(readdirSync(dir)).toEqual([partial]); // SIGKILL cannot be caught

    const r = quant(['quantize', input, '-o', target]);
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual(['q.safetensors']);
  });

  it("keep every temporary that is not a dead process's of this host for this destination", () => {
    const dir = tmp.subdir('others');
    const dead = deadPid();
    const host = hostTag();
    const stale = `.q.safetensors.quant-${host}-${dead}-0123abcd.tmp`;
    const kept = [
      `.q.safetensors.quant-other-host.example-${dead}-0123abcd.tmp`, // another machine writing to a shared mount
      `.q.safetensors.quant-${host}-${process.pid}-0123abcd.tmp`, // a live process of this host (this test runner)
      `.q.safetensors.quant-${dead}-0123abcd.tmp`, // no host name (an older quant): the owner cannot be known
      `.other.safetensors.quant-${host}-${dead}-0123abcd.tmp`, // another destination
    ];
    for (const name of [stale, ...kept]) writeFileSync(join(dir, name), 'partial');
    const r = quant(['quantize', input, '-o', join(dir, 'q.safetensors')]);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, stale))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([...kept, 'q.safetensors'].sort());
  });
});

describe('temporary names', () => {
  it('escape what a host name may hold beyond letters, digits, dots and dashes', () => {
    expect(hostTag('build-07.example.org')).toBe('build-07.example.org');
    expect(hostTag('a b/c%')).toBe('a%20b%2Fc%25');
    expect(hostTag('é')).toBe('%C3%A9');
    expect(hostTag('')).toBe('%00');
  });

  it('tell host and pid back from the name, even when the host name holds dashes', () => {
    const target = join(tmp.dir, 'names', 'model.safetensors');
    const name = basename(temporaryPathFor(target));
    expect(temporaryOwner(target, name)).toEqual({ host: hostTag(), pid: process.pid });
    expect(temporaryOwner(target, '.model.safetensors.quant-a-b-c-42-0123abcd.tmp')).toEqual({ host: 'a-b-c', pid: 42 });
    expect(temporaryOwner(target, '.model.safetensors.quant-42-0123abcd.tmp')).toBeUndefined(); // no host: older name
    expect(temporaryOwner(target, '.other.safetensors.quant-h-42-0123abcd.tmp')).toBeUndefined();
    expect(temporaryOwner(target, 'model.safetensors')).toBeUndefined();
  });
});
