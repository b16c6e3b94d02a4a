/**
 * @quantkit/quant-conformance/checks: everything of @quantkit/quant-conformance except defineBackendSuite, without
 * importing vitest, for tools that run the checks or export the corpus outside a test run (a CLI, a report script).
 */
export { conformanceChecks, familiesOf, FAMILY_NAMES } from './families.js';
export type { ConformanceOptions } from './families.js';
export { formatReport, NATIVE_UNAVAILABLE, reportPassed, runChecks, runConformance } from './run.js';
export type { BackendTarget, ConformanceReport, FamilyTotals, TargetReport } from './run.js';
export type { Check, CheckResult, Requirement } from './types.js';
export { missingCapability } from './types.js';
export { DEFAULT_DIFFERENTIAL_ELEMENTS, differentialChecks, differentialSeed, runDifferential } from './checks/differential.js';
export type { DifferentialOptions, DifferentialResult } from './checks/differential.js';
export { ERROR_SCENARIOS, runErrorScenario } from './checks/errors.js';
export { recordingBackend } from './recording.js';
export { exportCorpus } from './corpus/export.js';
export { CORPUS_DIR, corpusFileNames, loadCorpusFamily, loadOnnxVectors } from './corpus/load.js';
export { generateCorpus, GENERATED_FAMILIES } from './corpus/generate.js';
export { CORPUS_FORMAT } from './corpus/schema.js';
export type { CorpusCase, CorpusFile } from './corpus/schema.js';
export { decodeArray, encodeArray } from './encoding.js';
export type { EncodedArray, JsonNumber } from './encoding.js';
export { CONTROL, MUTANTS } from './mutants.js';
export type { Mutant } from './mutants.js';
export * from './onnx/index.js';
