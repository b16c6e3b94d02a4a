import type { Backend, BackendCapabilities, Profile } from '@quantkit/quant-core';

/** What one check found: how many cases it ran, and a message per failing case (the first difference). */
export interface CheckResult {
  readonly total: number;
  readonly passed: number;
  readonly skipped: number;
  readonly failures: readonly string[];
  /** Why cases were skipped (capability gaps), deduplicated. */
  readonly skipReasons: readonly string[];
}

/**
 * One named group of cases of a family. `run` is a plain function (no test runner involved): defineBackendSuite wraps
 * each check in a vitest `it`, the report script and the mutant tests call it directly.
 */
export interface Check {
  readonly family: string;
  readonly name: string;
  run(backend: Backend): CheckResult | Promise<CheckResult>;
}

/** What a case needs from a backend; compared with `backend.capabilities` (skips are by capability, never by name). */
export interface Requirement {
  readonly float64?: boolean;
  readonly profile?: Profile;
  readonly bits?: number;
  readonly packedBits?: 2 | 4;
  readonly perAxis?: boolean;
  readonly blocked?: boolean;
  readonly fakeQuantize?: boolean;
  readonly histogram?: boolean;
}

/** The capability a backend lacks for a requirement, as a reason string, or undefined if it has them all. */
export function missingCapability(c: BackendCapabilities, r: Requirement): string | undefined {
  if (r.float64 && !c.float64) return 'no Float64Array input (capabilities.float64)';
  if (r.profile !== undefined && !c.profiles.includes(r.profile)) return `no '${r.profile}' profile (capabilities.profiles)`;
  if (r.bits !== undefined && !c.bits.includes(r.bits)) return `no ${r.bits}-bit codes (capabilities.bits)`;
  if (r.packedBits !== undefined && !c.packedBits.includes(r.packedBits)) return `no ${r.packedBits}-bit packing (capabilities.packedBits)`;
  if (r.perAxis && !c.perAxis) return 'no per-axis kernels (capabilities.perAxis)';
  if (r.blocked && !c.blocked) return 'no blocked kernels (capabilities.blocked)';
  if (r.fakeQuantize && !c.fakeQuantize) return 'no fused fake-quantize (capabilities.fakeQuantize)';
  if (r.histogram && !c.histogram) return 'no histogram kernels (capabilities.histogram)';
  return undefined;
}

/** Accumulates case outcomes into a CheckResult. */
export class Tally {
  private total = 0;
  private passed = 0;
  private skipped = 0;
  private readonly failures: string[] = [];
  private readonly reasons = new Set<string>();

  pass(): void {
    this.total++;
    this.passed++;
  }

  fail(message: string): void {
    this.total++;
    this.failures.push(message);
  }

  skip(reason: string): void {
    this.total++;
    this.skipped++;
    this.reasons.add(reason);
  }

  /** Records one case from its failure messages (none = passed). */
  record(messages: readonly string[]): void {
    if (messages.length === 0) this.pass();
    else this.fail(messages.join('\n  '));
  }

  /** Runs a case body, turning an unexpected exception into a failure of that case. */
  guard(name: string, body: () => readonly string[]): void {
    try {
      this.record(body().map((m) => `${name}: ${m}`));
    } catch (e) {
      this.fail(`${name}: threw ${describeError(e)}`);
    }
  }

  result(): CheckResult {
    return { total: this.total, passed: this.passed, skipped: this.skipped, failures: this.failures, skipReasons: [...this.reasons] };
  }
}

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.name}${code !== undefined ? ` [${String(code)}]` : ''}: ${e.message}`;
  }
  return String(e);
}
