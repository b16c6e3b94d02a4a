import { PLAN_FORMAT, PLAN_VERSION, type PlanChoice, type QuantPlan } from './types.js';

/** A choice as the JSON fields of an entry (parsePlan reads them back to the same choice). */
export function choiceJson(c: PlanChoice): Record<string, unknown> {
  if (c.kind === 'keep') return { keep: true };
  if (c.kind === 'ggml') return { format: c.format };
  return {
    scheme: c.scheme,
    bits: c.bits,
    granularity: c.granularity,
    ...(c.axis !== null ? { axis: c.axis } : {}),
    ...(c.blockSize !== null ? { blockSize: c.blockSize } : {}),
    calibrator: c.calibrator,
    ...(c.narrowRange ? { narrowRange: true } : {}),
    ...(c.profile !== 'onnx' ? { profile: c.profile } : {}),
    ...(c.packed ? { packed: true } : {}),
  };
}

/** A plan as the text of a plan file: one entry a line, so a diff of two plans reads well. */
export function formatPlan(plan: QuantPlan): string {
  const entries = [
    ...[...plan.tensors].map(([name, c]) => ({ name, ...choiceJson(c) })),
    ...plan.patterns.map((p) => ({ match: p.match, ...choiceJson(p.choice) })),
  ];
  const lines = [`  "format": ${JSON.stringify(PLAN_FORMAT)}`, `  "version": ${PLAN_VERSION}`];
  if (plan.source !== undefined) lines.push(`  "source": ${JSON.stringify(plan.source)}`);
  if (plan.default !== undefined) lines.push(`  "default": ${JSON.stringify(choiceJson(plan.default))}`);
  lines.push(entries.length === 0 ? '  "tensors": []' : `  "tensors": [\n${entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]`);
  return `{\n${lines.join(',\n')}\n}\n`;
}
