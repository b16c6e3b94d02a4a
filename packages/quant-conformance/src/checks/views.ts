import type { Backend } from '@quantkit/quant-core';
import { viewArena } from '../arena.js';
import { loadCorpusFamily } from '../corpus/load.js';
import { expandCase, type SubCase } from '../corpus/run-case.js';
import type { Check } from '../types.js';
import { runSubCases } from './corpus.js';

/*
 * Typed-array views: the same golden cases, with every input and output placed at element offset 0..7 inside ONE
 * shared ArrayBuffer (byteOffsets 0..7 for 8-bit arrays, 0..28 for float32, 0..56 for float64), separated by guard
 * bytes. A backend that ignores byteOffset, writes past an output's end or into an input fails here.
 */

const OFFSETS = [0, 1, 2, 3, 4, 5, 6, 7];

/** Sweep lengths kept for the views family: tails around 8/16/32/64-element vectors and a long run. */
const VIEW_LENGTHS = new Set([0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000, 1001, 1007, 1023, 1024, 1025, 1030]);

const SOURCES = ['lengths', 'special-values', 'per-axis', 'blocked', 'packed'];

function subCasesOf(family: string): SubCase[] {
  return loadCorpusFamily(family)
    .cases.flatMap(expandCase)
    .filter((s) => s.length === undefined || VIEW_LENGTHS.has(s.length));
}

export function viewChecks(): Check[] {
  return SOURCES.map((source) => {
    let subs: SubCase[] | undefined;
    return {
      family: 'views',
      name: `${source} cases at element offsets 0..7 in one shared ArrayBuffer`,
      run(backend: Backend) {
        subs ??= subCasesOf(source);
        const placed: SubCase[] = subs.flatMap((s) =>
          OFFSETS.map((offset) => ({ ...s, label: `${s.label} @offset ${offset}`, run: (b: Backend) => s.run(b, viewArena(offset, 2 * s.bytes + 2048)) })),
        );
        return runSubCases(backend, placed);
      },
    };
  });
}
