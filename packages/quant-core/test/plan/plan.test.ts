import { describe, expect, it } from 'vitest';
import { errorCodeOf, formatPlan, parsePlan, PlanErrorCodes, planChoiceFor, unmatchedPlanEntries, validatePlan } from '../helpers/api.js';

const HEAD = { format: 'quantkit.plan', version: 1 };

function plan(tensors: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...HEAD, ...extra, tensors });
}

describe('parsePlan', () => {
  it('normalises quantkit choices with every default filled in', () => {
    const p = parsePlan(plan([{ name: 'a', bits: 4, granularity: 'block', scheme: 'symmetric', calibrator: 'percentile:99.9', packed: true }, { name: 'b', blockSize: 64 }, { name: 'c', granularity: 'channel' }]));
    expect(p.tensors.get('a')).toEqual({ kind: 'quantkit', scheme: 'symmetric', bits: 4, granularity: 'block', axis: -1, blockSize: 32, calibrator: 'percentile:99.9', narrowRange: false, profile: 'onnx', packed: true });
    expect(p.tensors.get('b')).toMatchObject({ granularity: 'block', blockSize: 64, axis: -1, bits: 8, scheme: 'affine', calibrator: 'minmax' });
    expect(p.tensors.get('c')).toMatchObject({ granularity: 'channel', axis: 0, blockSize: null });
  });

  it('reads GGML formats, keep, patterns and a default; exact names win over patterns, the first pattern over later ones', () => {
    const p = parsePlan(plan([{ match: '*.bias', keep: true }, { match: 'layers.*', format: 'q4_k' }, { name: 'layers.0.bias', format: 'q8_0' }], { default: { format: 'f16' } }));
    expect(planChoiceFor(p, 'layers.0.bias')).toEqual({ kind: 'ggml', format: 'q8_0' });
    expect(planChoiceFor(p, 'layers.1.bias')).toEqual({ kind: 'keep' });
    expect(planChoiceFor(p, 'layers.1.weight')).toEqual({ kind: 'ggml', format: 'q4_k' });
    expect(planChoiceFor(p, 'embed')).toEqual({ kind: 'ggml', format: 'f16' });
    expect(planChoiceFor(parsePlan(plan([])), 'embed')).toBeUndefined();
  });

  it('treats glob characters other than * and ? literally', () => {
    const p = parsePlan(plan([{ match: 'a.[0]?', keep: true }]));
    expect(planChoiceFor(p, 'a.[0]x')).toEqual({ kind: 'keep' });
    expect(planChoiceFor(p, 'ab[0]x')).toBeUndefined();
  });

  it('round-trips through formatPlan', () => {
    const text = plan([{ name: 'w', bits: 4, scheme: 'symmetric', granularity: 'channel', axis: 1, calibrator: { method: 'percentile', percentile: 99.9 }, narrowRange: true, profile: 'pytorch' }, { name: 'e', format: 'q6_k' }, { match: '*', keep: true }], { source: { budgetBpw: 4.5 } });
    const p = parsePlan(text);
    const again = parsePlan(formatPlan(p));
    expect(again).toEqual(p);
    expect(again.tensors.get('w')).toMatchObject({ calibrator: 'percentile:99.9', axis: 1 });
  });

  it('reports unmatched names and patterns', () => {
    const p = parsePlan(plan([{ name: 'a', bits: 8 }, { name: 'zz', bits: 8 }, { match: 'x*', keep: true }, { match: 'a*', keep: true }]));
    expect(unmatchedPlanEntries(p, ['a', 'b'])).toEqual({ names: ['zz'], patterns: ['x*'] });
  });

  it.each([
    ['not JSON', '{', PlanErrorCodes.SYNTAX],
    ['not an object', '[]', PlanErrorCodes.VERSION],
    ['no format', JSON.stringify({ version: 1, tensors: [] }), PlanErrorCodes.VERSION],
    ['another version', JSON.stringify({ ...HEAD, version: 2, tensors: [] }), PlanErrorCodes.VERSION],
    ['unknown top-level key', plan([], { tensor: [] }), PlanErrorCodes.ENTRY],
    ['tensors not an array', JSON.stringify({ ...HEAD, tensors: {} }), PlanErrorCodes.ENTRY],
    ['entry not an object', plan(['a']), PlanErrorCodes.ENTRY],
    ['neither name nor match', plan([{ bits: 4 }]), PlanErrorCodes.ENTRY],
    ['both name and match', plan([{ name: 'a', match: 'a', bits: 4 }]), PlanErrorCodes.ENTRY],
    ['empty name', plan([{ name: '', bits: 4 }]), PlanErrorCodes.ENTRY],
    ['says nothing', plan([{ name: 'a' }]), PlanErrorCodes.ENTRY],
    ['typo in a key', plan([{ name: 'a', bitz: 4 }]), PlanErrorCodes.ENTRY],
    ['bits out of range', plan([{ name: 'a', bits: 17 }]), PlanErrorCodes.ENTRY],
    ['bits not an integer', plan([{ name: 'a', bits: '4' }]), PlanErrorCodes.ENTRY],
    ['unknown scheme', plan([{ name: 'a', scheme: 'asym' }]), PlanErrorCodes.ENTRY],
    ['axis per tensor', plan([{ name: 'a', axis: 1 }]), PlanErrorCodes.ENTRY],
    ['blockSize per channel', plan([{ name: 'a', granularity: 'channel', blockSize: 32 }]), PlanErrorCodes.ENTRY],
    ['blockSize 0', plan([{ name: 'a', blockSize: 0 }]), PlanErrorCodes.ENTRY],
    ['packed 8 bits', plan([{ name: 'a', bits: 8, packed: true }]), PlanErrorCodes.ENTRY],
    ['bad calibrator', plan([{ name: 'a', calibrator: 'percentile:101' }]), PlanErrorCodes.ENTRY],
    ['unknown GGML format', plan([{ name: 'a', format: 'q4_2' }]), PlanErrorCodes.ENTRY],
    ['format and bits', plan([{ name: 'a', format: 'q4_0', bits: 4 }]), PlanErrorCodes.ENTRY],
    ['keep false', plan([{ name: 'a', keep: false }]), PlanErrorCodes.ENTRY],
    ['bad default', plan([], { default: { name: 'a', bits: 4 } }), PlanErrorCodes.ENTRY],
    ['source not an object', plan([], { source: 'me' }), PlanErrorCodes.ENTRY],
    ['a name twice', plan([{ name: 'a', bits: 4 }, { name: 'a', bits: 8 }]), PlanErrorCodes.DUPLICATE],
    ['a pattern twice', plan([{ match: 'a*', bits: 4 }, { match: 'a*', keep: true }]), PlanErrorCodes.DUPLICATE],
  ])('refuses %s with a stable code', (_, text, code) => {
    expect(errorCodeOf(() => parsePlan(text))).toBe(code);
  });

  it('names the entry and the field at fault', () => {
    expect(() => parsePlan(plan([{ name: 'a', bits: 4 }, { name: 'b', bitz: 4 }]))).toThrow(/tensors\[1\]: unknown key "bitz" \(did you mean "bits"\?\)/);
    expect(() => validatePlan({ ...HEAD, tensors: [{ name: 'w', granularity: 'rows' }] })).toThrow(/tensors\[0\] \("w"\): "granularity" must be one of tensor, channel, block/);
  });
});
