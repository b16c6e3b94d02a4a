import { describe, expect, it } from 'vitest';
import { CONTROL, conformanceChecks, MUTANTS, runChecks } from '../src/index.js';

/*
 * The suite can fail: each mutant backend (one classic kernel bug each) must fail at least one check, and in
 * particular the family aimed at its bug; the faithful re-implementation ('control') must pass everything, so the
 * failures come from the mutations and not from the harness.
 */

const checks = conformanceChecks({ differential: { elements: 300_000, seed: 7 } });

/** The family that must catch each mutant. */
const CAUGHT_BY: Readonly<Record<string, string>> = {
  'mutant-round-half-up': 'rounding-ties',
  'mutant-reciprocal-onnx': 'profiles',
  'mutant-zero-point-before-rounding': 'rounding-ties',
  'mutant-no-saturation': 'saturation',
  'mutant-wrong-tail': 'lengths',
  'mutant-dropped-byte-offset': 'views',
};

// Each test runs the whole suite on one backend (about 3 s idle, past vitest's 5 s default on a loaded 2-CPU machine).
describe('mutant backends', { timeout: 60_000 }, () => {
  it('cover every planned bug', () => {
    expect(MUTANTS.map((m) => m.name).sort()).toEqual(Object.keys(CAUGHT_BY).sort());
  });

  it('control (no mutation) passes every check', async () => {
    const results = await runChecks(CONTROL.create(), checks);
    const failures = Object.entries(results).flatMap(([family, r]) => r.failures.map((f) => `${family}: ${f}`));
    expect(failures.slice(0, 5)).toEqual([]);
    expect(Object.values(results).every((r) => r.passed > 0)).toBe(true);
  });

  for (const mutant of MUTANTS) {
    it(`${mutant.name} (${mutant.bug}) fails the suite, in ${CAUGHT_BY[mutant.name]} among others`, async () => {
      const results = await runChecks(mutant.create(), checks);
      const failing = Object.entries(results)
        .filter(([, r]) => r.failures.length > 0)
        .map(([family]) => family);
      expect(failing.length).toBeGreaterThan(0);
      expect(failing).toContain(CAUGHT_BY[mutant.name]);
    });
  }

  it('a dropped byteOffset goes unnoticed by fresh arrays: only views and differential catch it', async () => {
    const mutant = MUTANTS.find((m) => m.name === 'mutant-dropped-byte-offset')!;
    const results = await runChecks(mutant.create(), checks);
    const failing = Object.entries(results)
      .filter(([, r]) => r.failures.length > 0)
      .map(([family]) => family)
      .sort();
    expect(failing).toEqual(['differential', 'views']);
  });
});
