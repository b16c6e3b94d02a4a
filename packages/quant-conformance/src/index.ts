/**
 * @quantkit/quant-conformance: prove that a quantkit Backend matches the reference bit for bit.
 *
 * - defineBackendSuite({ name, create }) defines the whole suite as vitest tests (vitest is a peer dependency).
 * - conformanceChecks() gives the same checks as plain functions of a backend (no test runner), runConformance()
 *   and formatReport() run them against several backends and print a families × backends table.
 * - exportCorpus(dir) writes the golden corpus (language-neutral JSON) for implementations in other languages.
 */
export { defineBackendSuite } from './suite.js';
export type { BackendSuiteOptions } from './suite.js';
export * from './checks.js';
