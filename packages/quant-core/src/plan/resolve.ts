import type { PlanChoice, QuantPlan } from './types.js';

/** A plan glob as a RegExp: `*` any run of characters (dots included), `?` one character, everything else literal. */
export function planGlob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/** The plan's choice for a tensor: its exact name, else the first matching pattern, else the default (may be undefined). */
export function planChoiceFor(plan: QuantPlan, name: string): PlanChoice | undefined {
  const exact = plan.tensors.get(name);
  if (exact !== undefined) return exact;
  for (const p of plan.patterns) if (planGlob(p.match).test(name)) return p.choice;
  return plan.default;
}

/** The exact names and the patterns of a plan that match none of `names` (a command refuses or warns about them). */
export function unmatchedPlanEntries(plan: QuantPlan, names: Iterable<string>): { names: string[]; patterns: string[] } {
  const all = [...names];
  const present = new Set(all);
  return {
    names: [...plan.tensors.keys()].filter((n) => !present.has(n)),
    patterns: plan.patterns.filter((p) => !all.some((n) => planGlob(p.match).test(n))).map((p) => p.match),
  };
}
