import type { Backend } from '@quantkit/quant-core';
import { freshArena } from '../arena.js';
import { expandCase, type SubCase } from '../corpus/run-case.js';
import { loadCorpusFamily } from '../corpus/load.js';
import type { CorpusCase } from '../corpus/schema.js';
import { missingCapability, Tally, type Check, type CheckResult } from '../types.js';

/** Runs sub-cases on a backend, each in its own arena from `arenaFor`, skipping by capability. */
export function runSubCases(backend: Backend, subs: readonly SubCase[], arenaFor = (_s: SubCase) => freshArena()): CheckResult {
  const tally = new Tally();
  for (const s of subs) {
    const missing = missingCapability(backend.capabilities, s.requirement);
    if (missing !== undefined) {
      tally.skip(missing);
      continue;
    }
    tally.guard(s.label, () => s.run(backend, arenaFor(s)));
  }
  return tally.result();
}

function groupByOp(cases: readonly CorpusCase[]): Map<string, CorpusCase[]> {
  const groups = new Map<string, CorpusCase[]>();
  for (const c of cases) {
    const list = groups.get(c.op) ?? [];
    list.push(c);
    groups.set(c.op, list);
  }
  return groups;
}

/** One check per operation of a generated corpus family; cases are decoded on first run. */
export function corpusChecks(family: string): Check[] {
  const ops = [...groupByOp(loadCorpusFamily(family).cases).keys()];
  let groups: Map<string, SubCase[]> | undefined;
  const subCases = (op: string): SubCase[] => {
    if (groups === undefined) {
      groups = new Map();
      for (const [name, cases] of groupByOp(loadCorpusFamily(family).cases)) groups.set(name, cases.flatMap(expandCase));
    }
    const list = groups.get(op);
    if (list === undefined) throw new Error(`corpus family ${family} has no ${op} cases`);
    return list;
  };
  return ops.map((op) => ({ family, name: op, run: (backend: Backend) => runSubCases(backend, subCases(op)) }));
}
