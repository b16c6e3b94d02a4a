import type { Backend } from '@quantkit/quant-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { conformanceChecks, type ConformanceOptions } from './families.js';
import { NATIVE_UNAVAILABLE, type BackendTarget } from './run.js';
import { describeError } from './types.js';

export interface BackendSuiteOptions extends BackendTarget, ConformanceOptions {
  /**
   * Whether a missing native addon (create() throwing ERR_QUANT_NATIVE_UNAVAILABLE) fails the suite instead of skipping
   * it. Default: true when the environment variable QUANT_REQUIRE_NATIVE is '1', so CI can never skip native runs
   * silently.
   */
  readonly requireNative?: boolean;
}

/** How many failing cases a test prints in full. */
const SHOWN_FAILURES = 10;

/**
 * Defines the conformance suite for one backend as vitest tests: a `describe` named after the backend with one `it`
 * per check (a family and an operation or group). Skips are decided by `backend.capabilities`, never by name. When
 * create() throws ERR_QUANT_NATIVE_UNAVAILABLE, every test is skipped with the reason (printed once to stderr), unless
 * `requireNative` / QUANT_REQUIRE_NATIVE=1 makes it a failure.
 */
export function defineBackendSuite(options: BackendSuiteOptions): void {
  const requireNative = options.requireNative ?? process.env.QUANT_REQUIRE_NATIVE === '1';
  const checks = conformanceChecks(options);

  describe(`conformance: ${options.name}`, () => {
    let backend: Backend | undefined;
    let unavailable: string | undefined;

    beforeAll(async () => {
      try {
        backend = await options.create();
      } catch (e) {
        if ((e as { code?: unknown }).code !== NATIVE_UNAVAILABLE) throw e;
        unavailable = describeError(e);
        if (!requireNative) {
          process.stderr.write(`[quant-conformance] ${options.name}: skipped, the native addon is unavailable (${unavailable}). Set QUANT_REQUIRE_NATIVE=1 to make this a failure.\n`);
        }
      }
    });

    const skipIfUnavailable = (skip: (note?: string) => never): Backend => {
      if (unavailable !== undefined) {
        if (requireNative) throw new Error(`QUANT_REQUIRE_NATIVE=1 but the native backend is unavailable: ${unavailable}`);
        skip(`native addon unavailable: ${unavailable}`);
      }
      return backend!;
    };

    it('creates a backend that describes itself', ({ skip }) => {
      const b = skipIfUnavailable(skip);
      expect(typeof b.name).toBe('string');
      expect(typeof b.isa).toBe('string');
      expect(typeof b.version).toBe('string');
      expect(Number.isInteger(b.threads) && b.threads >= 1).toBe(true);
      const c = b.capabilities;
      expect(typeof c.float64).toBe('boolean');
      expect(c.profiles.every((p) => p === 'onnx' || p === 'pytorch')).toBe(true);
      expect(c.bits.every((n) => Number.isInteger(n) && n >= 2 && n <= 16)).toBe(true);
      expect(c.packedBits.every((n) => n === 2 || n === 4)).toBe(true);
    });

    for (const check of checks) {
      it(`${check.family}: ${check.name}`, async ({ skip }) => {
        const b = skipIfUnavailable(skip);
        const r = await check.run(b);
        expect(r.total, 'a check must run at least one case').toBeGreaterThan(0);
        if (r.total > 0 && r.skipped === r.total) skip(`not supported by this backend: ${r.skipReasons.join('; ')}`);
        const shown = r.failures.slice(0, SHOWN_FAILURES).join('\n');
        const more = r.failures.length > SHOWN_FAILURES ? `\n... and ${r.failures.length - SHOWN_FAILURES} more` : '';
        expect(r.failures.length, `${r.failures.length} of ${r.total} cases failed:\n${shown}${more}`).toBe(0);
        expect(r.passed + r.skipped).toBe(r.total);
      });
    }
  });
}
