import { ErrorCodes, type Backend } from '@quantkit/quant-core';
import { conformanceChecks, familiesOf, type ConformanceOptions } from './families.js';
import { describeError, type Check, type CheckResult } from './types.js';

/** A backend to prove: a name and a factory (which may throw ERR_QUANT_NATIVE_UNAVAILABLE when an addon is missing). */
export interface BackendTarget {
  readonly name: string;
  readonly create: () => Backend | Promise<Backend>;
}

/**
 * The code native loaders throw when the addon cannot be loaded (core's ErrorCodes.NATIVE_UNAVAILABLE); such a target
 * is "unavailable", not failed.
 */
export const NATIVE_UNAVAILABLE = ErrorCodes.NATIVE_UNAVAILABLE;

export interface FamilyTotals {
  total: number;
  passed: number;
  skipped: number;
  failures: string[];
  elements: number;
}

export interface TargetReport {
  readonly name: string;
  readonly status: 'ran' | 'unavailable' | 'error';
  /** Why the backend could not be created (status unavailable / error). */
  readonly reason?: string;
  readonly backend?: { readonly name: string; readonly isa: string; readonly version: string; readonly threads: number };
  readonly families: Readonly<Record<string, FamilyTotals>>;
}

export interface ConformanceReport {
  readonly families: readonly string[];
  readonly targets: readonly TargetReport[];
}

function emptyTotals(): FamilyTotals {
  return { total: 0, passed: 0, skipped: 0, failures: [], elements: 0 };
}

/** Runs checks against one backend, summing results per family. */
export async function runChecks(backend: Backend, checks: readonly Check[]): Promise<Record<string, FamilyTotals>> {
  const families: Record<string, FamilyTotals> = {};
  for (const check of checks) {
    const t = (families[check.family] ??= emptyTotals());
    let r: CheckResult & { elements?: number };
    try {
      r = await check.run(backend);
    } catch (e) {
      r = { total: 1, passed: 0, skipped: 0, failures: [`${check.name}: threw ${describeError(e)}`], skipReasons: [] };
    }
    t.total += r.total;
    t.passed += r.passed;
    t.skipped += r.skipped;
    t.failures.push(...r.failures.map((f) => `${check.name}: ${f}`));
    t.elements += r.elements ?? 0;
  }
  return families;
}

/** Runs every family against every target (without a test runner): the data behind `pnpm conformance`. */
export async function runConformance(targets: readonly BackendTarget[], options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const families = familiesOf(options);
  const reports: TargetReport[] = [];
  for (const target of targets) {
    let backend: Backend;
    try {
      backend = await target.create();
    } catch (e) {
      const unavailable = (e as { code?: unknown }).code === NATIVE_UNAVAILABLE;
      reports.push({ name: target.name, status: unavailable ? 'unavailable' : 'error', reason: describeError(e), families: {} });
      continue;
    }
    const results = await runChecks(backend, conformanceChecks(options));
    reports.push({
      name: target.name,
      status: 'ran',
      backend: { name: backend.name, isa: backend.isa, version: backend.version, threads: backend.threads },
      families: results,
    });
  }
  return { families, targets: reports };
}

function cell(t: FamilyTotals | undefined, status: TargetReport['status']): string {
  if (status !== 'ran') return status === 'unavailable' ? 'n/a' : 'ERROR';
  if (t === undefined) return '-';
  const run = t.total - t.skipped;
  const text = `${t.passed}/${run}`;
  const marks = `${t.failures.length > 0 ? ' FAIL' : ''}${t.skipped > 0 ? ` (${t.skipped} skipped)` : ''}`;
  return text + marks;
}

/** The report as a text table (families × backends, passed/run counts) followed by notes and failures. */
export function formatReport(report: ConformanceReport, maxFailures = 5): string {
  const header = ['family', ...report.targets.map((t) => t.name)];
  const rows = report.families.map((f) => [f, ...report.targets.map((t) => cell(t.families[f], t.status))]);
  const totals = report.targets.map((t) => {
    const all = Object.values(t.families);
    if (t.status !== 'ran') return cell(undefined, t.status);
    const passed = all.reduce((a, x) => a + x.passed, 0);
    const run = all.reduce((a, x) => a + x.total - x.skipped, 0);
    return `${passed}/${run}`;
  });
  rows.push(['TOTAL', ...totals]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line), ''];
  for (const t of report.targets) {
    if (t.status !== 'ran') {
      out.push(`${t.name}: ${t.status}: ${t.reason ?? ''}`);
      continue;
    }
    const b = t.backend!;
    const diff = t.families.differential;
    out.push(`${t.name}: backend ${b.name} (isa ${b.isa}, ${b.threads} thread${b.threads === 1 ? '' : 's'}, v${b.version})${diff ? `, differential ${diff.elements.toLocaleString('en-US')} elements` : ''}`);
    for (const [family, totals] of Object.entries(t.families)) {
      for (const f of totals.failures.slice(0, maxFailures)) out.push(`  FAIL ${family}: ${f}`);
      if (totals.failures.length > maxFailures) out.push(`  ... ${totals.failures.length - maxFailures} more failures in ${family}`);
    }
  }
  return out.join('\n');
}

/** Whether every target that ran passed every case it ran. */
export function reportPassed(report: ConformanceReport): boolean {
  return report.targets.every((t) => t.status !== 'error' && Object.values(t.families).every((f) => f.failures.length === 0));
}
