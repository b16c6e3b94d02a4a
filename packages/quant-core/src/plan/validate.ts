import { formatCalibration, parseCalibration, type CalibrationSpec } from '../calibrate/spec.js';
import { describeValue } from '../describe-value.js';
import { GGML_FORMAT_NAMES } from '../ggml/formats.js';
import { closestKey } from '../options.js';
import { PlanErrorCodes, planFail } from './errors.js';
import { PLAN_FORMAT, PLAN_VERSION, type PlanChoice, type PlanGgmlType, type PlanPattern, type QuantkitChoice, type QuantPlan } from './types.js';

/** The tensor types a `format` entry may name (GGUF's: every GGML block format, and the float types). */
export const PLAN_GGML_TYPES: readonly PlanGgmlType[] = Object.freeze([...GGML_FORMAT_NAMES, 'f32', 'f16', 'bf16']);

const TOP_KEYS = ['format', 'version', 'tensors', 'default', 'source'];
const QUANTKIT_KEYS = ['scheme', 'bits', 'granularity', 'axis', 'blockSize', 'calibrator', 'narrowRange', 'profile', 'packed'];
const CHOICE_KEYS = ['keep', 'format', ...QUANTKIT_KEYS];
const ENTRY_KEYS = ['name', 'match', ...CHOICE_KEYS];

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Json, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (allowed.includes(key)) continue;
    const guess = closestKey(key, allowed);
    planFail(PlanErrorCodes.ENTRY, `${where}: unknown key ${JSON.stringify(key)} (${guess !== undefined ? `did you mean "${guess}"?` : `valid keys: ${allowed.join(', ')}`})`);
  }
}

function integerIn(v: unknown, min: number, max: number, field: string, where: string): number {
  if (!(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) planFail(PlanErrorCodes.ENTRY, `${where}: "${field}" must be an integer in ${min}..${max}, got ${describeValue(v)}`);
  return v as number;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string, where: string): T {
  if (!(allowed as readonly unknown[]).includes(v)) planFail(PlanErrorCodes.ENTRY, `${where}: "${field}" must be one of ${allowed.join(', ')}, got ${describeValue(v)}`);
  return v as T;
}

function flag(v: unknown, field: string, where: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') planFail(PlanErrorCodes.ENTRY, `${where}: "${field}" must be true or false, got ${describeValue(v)}`);
  return v;
}

/** A calibrator as text ('percentile:99.9,bins=4096') or as a spec object, in canonical text form. */
function calibratorOf(v: unknown, where: string): string {
  if (v === undefined) return 'minmax';
  if (typeof v !== 'string' && !isObject(v)) planFail(PlanErrorCodes.ENTRY, `${where}: "calibrator" must be a string such as "percentile:99.9" or an object { "method": ... }, got ${describeValue(v)}`);
  try {
    return formatCalibration(typeof v === 'string' ? parseCalibration(v) : (v as CalibrationSpec));
  } catch (e) {
    planFail(PlanErrorCodes.ENTRY, `${where}: "calibrator": ${(e as Error).message}`);
  }
}

function quantkitChoice(o: Json, where: string): QuantkitChoice {
  const scheme = o.scheme === undefined ? 'affine' : oneOf(o.scheme, ['affine', 'symmetric'] as const, 'scheme', where);
  const bits = o.bits === undefined ? 8 : integerIn(o.bits, 2, 16, 'bits', where);
  const implied = o.blockSize !== undefined ? 'block' : 'tensor';
  const granularity = o.granularity === undefined ? implied : oneOf(o.granularity, ['tensor', 'channel', 'block'] as const, 'granularity', where);
  if (o.blockSize !== undefined && granularity !== 'block') planFail(PlanErrorCodes.ENTRY, `${where}: "blockSize" needs "granularity": "block" (got "${granularity}")`);
  if (o.axis !== undefined && granularity === 'tensor') planFail(PlanErrorCodes.ENTRY, `${where}: "axis" needs "granularity": "channel" or "block"`);
  const axis = granularity === 'tensor' ? null : o.axis === undefined ? (granularity === 'block' ? -1 : 0) : integerIn(o.axis, -64, 63, 'axis', where);
  const blockSize = granularity === 'block' ? (o.blockSize === undefined ? 32 : integerIn(o.blockSize, 1, Number.MAX_SAFE_INTEGER, 'blockSize', where)) : null;
  const packed = flag(o.packed, 'packed', where);
  if (packed && bits !== 2 && bits !== 4) planFail(PlanErrorCodes.ENTRY, `${where}: "packed" needs "bits" 2 or 4 (got ${bits})`);
  const profile = o.profile === undefined ? 'onnx' : oneOf(o.profile, ['onnx', 'pytorch'] as const, 'profile', where);
  return { kind: 'quantkit', scheme, bits, granularity, axis, blockSize, calibrator: calibratorOf(o.calibrator, where), narrowRange: flag(o.narrowRange, 'narrowRange', where), profile, packed };
}

/** One choice: `keep`, a GGML `format`, or quantkit's fields; mixing them is refused. */
function choiceOf(o: Json, where: string): PlanChoice {
  const quantkitKeys = QUANTKIT_KEYS.filter((k) => o[k] !== undefined);
  const kinds = [o.keep !== undefined ? '"keep"' : '', o.format !== undefined ? '"format"' : '', quantkitKeys.length > 0 ? `quantkit's fields (${quantkitKeys.join(', ')})` : ''].filter((k) => k !== '');
  if (kinds.length === 0) planFail(PlanErrorCodes.ENTRY, `${where}: says nothing: give "keep": true, a GGML "format", or quantkit's fields (${QUANTKIT_KEYS.join(', ')})`);
  if (kinds.length > 1) planFail(PlanErrorCodes.ENTRY, `${where}: a choice is one of "keep", "format" or quantkit's fields, got ${kinds.join(' and ')}`);
  if (o.keep !== undefined) {
    if (o.keep !== true) planFail(PlanErrorCodes.ENTRY, `${where}: "keep" can only be true, got ${describeValue(o.keep)}`);
    return { kind: 'keep' };
  }
  if (o.format !== undefined) return { kind: 'ggml', format: oneOf(o.format, PLAN_GGML_TYPES, 'format', where) };
  return quantkitChoice(o, where);
}

function nameOf(v: unknown, field: 'name' | 'match', where: string): string {
  if (typeof v !== 'string' || v === '') planFail(PlanErrorCodes.ENTRY, `${where}: "${field}" must be a non-empty string, got ${describeValue(v)}`);
  return v;
}

/**
 * Validates a parsed plan (the JSON value) and returns it normalised. Throws a QuantError with a PlanErrorCodes code
 * naming the entry and the field at fault.
 */
export function validatePlan(value: unknown): QuantPlan {
  if (!isObject(value)) planFail(PlanErrorCodes.VERSION, `a plan is a JSON object with "format": "${PLAN_FORMAT}", got ${describeValue(value)}`);
  if (value.format !== PLAN_FORMAT) planFail(PlanErrorCodes.VERSION, `not a quantkit plan: "format" must be "${PLAN_FORMAT}", got ${describeValue(value.format)}`);
  if (value.version !== PLAN_VERSION) planFail(PlanErrorCodes.VERSION, `plan version ${describeValue(value.version)} is not one this reader knows (it reads version ${PLAN_VERSION})`);
  checkKeys(value, TOP_KEYS, 'plan');
  if (!Array.isArray(value.tensors)) planFail(PlanErrorCodes.ENTRY, `plan: "tensors" must be an array of entries, got ${describeValue(value.tensors)}`);
  const tensors = new Map<string, PlanChoice>();
  const patterns: PlanPattern[] = [];
  value.tensors.forEach((entry: unknown, i: number) => {
    const where = `tensors[${i}]`;
    if (!isObject(entry)) planFail(PlanErrorCodes.ENTRY, `${where}: an entry must be an object, got ${describeValue(entry)}`);
    checkKeys(entry, ENTRY_KEYS, where);
    if ((entry.name === undefined) === (entry.match === undefined)) planFail(PlanErrorCodes.ENTRY, `${where}: an entry has exactly one of "name" (a tensor name) and "match" (a glob)`);
    if (entry.name !== undefined) {
      const name = nameOf(entry.name, 'name', where);
      if (tensors.has(name)) planFail(PlanErrorCodes.DUPLICATE, `${where}: tensor ${JSON.stringify(name)} is named by an earlier entry too`);
      tensors.set(name, choiceOf(entry, `${where} (${JSON.stringify(name)})`));
    } else {
      const match = nameOf(entry.match, 'match', where);
      if (patterns.some((p) => p.match === match)) planFail(PlanErrorCodes.DUPLICATE, `${where}: pattern ${JSON.stringify(match)} is given by an earlier entry too`);
      patterns.push({ match, choice: choiceOf(entry, `${where} (match ${JSON.stringify(match)})`) });
    }
  });
  let fallback: PlanChoice | undefined;
  if (value.default !== undefined) {
    if (!isObject(value.default)) planFail(PlanErrorCodes.ENTRY, `default: must be an object, got ${describeValue(value.default)}`);
    checkKeys(value.default, CHOICE_KEYS, 'default');
    fallback = choiceOf(value.default, 'default');
  }
  if (value.source !== undefined && !isObject(value.source)) planFail(PlanErrorCodes.ENTRY, `plan: "source" must be an object, got ${describeValue(value.source)}`);
  return { version: PLAN_VERSION, tensors, patterns, default: fallback, source: value.source as Json | undefined };
}

/** Parses and validates a plan file's text (JSON). */
export function parsePlan(text: string): QuantPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    planFail(PlanErrorCodes.SYNTAX, `the plan is not valid JSON: ${(e as Error).message}`);
  }
  return validatePlan(value);
}
