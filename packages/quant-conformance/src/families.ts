import { corpusChecks } from './checks/corpus.js';
import { differentialChecks, type DifferentialOptions } from './checks/differential.js';
import { errorChecks } from './checks/errors.js';
import { halfHistogramChecks } from './checks/half-histogram.js';
import { ggmlHalfChecks } from './checks/ggml-half.js';
import { histogramChecks } from './checks/histogram.js';
import { onnxVectorChecks } from './checks/onnx-vectors.js';
import { viewChecks } from './checks/views.js';
import { GENERATED_FAMILIES } from './corpus/generate.js';
import type { Check } from './types.js';

export interface ConformanceOptions {
  /** Options of the differential family, or false to leave it out. */
  readonly differential?: DifferentialOptions | false;
  /** Run only these families (default: all of FAMILY_NAMES). */
  readonly families?: readonly string[];
  /** Further checks to run after the built-in families (e.g. onnxRuntimeChecks(ort)). */
  readonly extraChecks?: readonly Check[];
}

/** Every case family, in report order. */
export const FAMILY_NAMES: readonly string[] = ['onnx-vectors', ...GENERATED_FAMILIES.map(([name]) => name), 'views', 'histogram', 'half-histogram', 'ggml-half', 'errors', 'differential'];

/** The families a run covers, in report order: the selected built-in ones, then those of extraChecks. */
export function familiesOf(options: ConformanceOptions = {}): string[] {
  const wanted = options.families ?? FAMILY_NAMES;
  const builtIn = FAMILY_NAMES.filter((f) => wanted.includes(f) && !(f === 'differential' && options.differential === false));
  return [...new Set([...builtIn, ...(options.extraChecks ?? []).map((c) => c.family)])];
}

/** All checks of the selected families: plain functions of a backend, each returning a CheckResult. */
export function conformanceChecks(options: ConformanceOptions = {}): Check[] {
  const wanted = new Set(options.families ?? FAMILY_NAMES);
  for (const f of wanted) if (!FAMILY_NAMES.includes(f)) throw new Error(`unknown conformance family '${f}' (known: ${FAMILY_NAMES.join(', ')})`);
  const checks: Check[] = [];
  for (const family of FAMILY_NAMES) {
    if (!wanted.has(family)) continue;
    if (family === 'onnx-vectors') checks.push(...onnxVectorChecks());
    else if (family === 'views') checks.push(...viewChecks());
    else if (family === 'histogram') checks.push(...histogramChecks());
    else if (family === 'half-histogram') checks.push(...halfHistogramChecks());
    else if (family === 'ggml-half') checks.push(...ggmlHalfChecks());
    else if (family === 'errors') checks.push(...errorChecks());
    else if (family === 'differential') {
      if (options.differential !== false) checks.push(...differentialChecks(options.differential ?? {}));
    } else checks.push(...corpusChecks(family));
  }
  checks.push(...(options.extraChecks ?? []));
  return checks;
}
