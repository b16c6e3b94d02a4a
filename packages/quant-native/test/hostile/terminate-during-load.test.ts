import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runFixture, type ChildResult } from '../child-process.js';
import { describeNative, native } from '../helpers.js';

// Issue 19, defect 1: a worker_thread terminated while it loaded the addon aborted the whole process ("FATAL ERROR:
// Error::ThrowAsJavaScriptException napi_throw"). fixtures/terminate-during-load.mjs terminates workers around their
// load, in a child process whose exit status tells whether it survived.

function expectSurvived(r: ChildResult, rounds: number): void {
  expect(r.timedOut, 'the child process did not finish in time').toBe(false);
  // An abort is SIGABRT, with "FATAL ERROR: ..." first on stderr.
  const why = r.stderr.split('\n').slice(0, 2).join(' ');
  expect({ status: r.status, signal: r.signal }, why).toStrictEqual({ status: 0, signal: null });
  expect((JSON.parse(r.stdout) as { terminated: number }).terminated).toBe(rounds);
}

describeNative('a worker_thread terminated while it loads the addon', () => {
  it('does not abort the process (400 rounds of require() then terminate())', () => {
    const r = runFixture('terminate-during-load.mjs', [native.loaded!.path, '400', '2'], { timeoutMs: 170_000 });
    expectSurvived(r, 400);
  }, 180_000);

  it("nor through the package's loader (100 rounds of import() and nativeInfo() then terminate())", () => {
    const entry = new URL('../../dist/index.js', import.meta.url);
    expect(existsSync(entry), 'dist/index.js is missing: build the package first').toBe(true);
    const r = runFixture('terminate-during-load.mjs', [entry.href, '100', '2'], { timeoutMs: 170_000, env: { QUANT_NATIVE_PATH: native.loaded!.path } });
    expectSurvived(r, 100);
  }, 180_000);
});
