#!/usr/bin/env node
/*
 * Generates src/generated/binding.ts, the TypeScript side of the native boundary, from @quantkit/quant-core's kernel
 * table: for every kernel, a sync and an async function that write the call's scalars into the descriptor (a
 * Float64Array whose slot indices the loaded addon declares) and pass the call's arrays, in the table's order, to the
 * addon's kernel; then read the scalar result back. The argument order is the table's and nothing else: it is never
 * written by hand. One plain function per kernel (not a closure shared by all of them) keeps every call site
 * monomorphic, so a 20-element native call costs what a hand-written one did.
 *
 *   node scripts/generate-binding.mjs          write the file (needs @quantkit/quant-core built)
 *   node scripts/generate-binding.mjs --check  exit 1 when the committed file differs from what this script makes
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isArrayParam, KERNEL_NAMES, KERNEL_TABLE } from '@quantkit/quant-core';

const OUT = fileURLToPath(new URL('../src/generated/binding.ts', import.meta.url));

/** The descriptor slots one scalar parameter fills, and the statements that fill them. */
function writes(param, info) {
  const granularity = info.granularity;
  switch (param) {
    case 'spec':
      return [['qmin', 'spec.qmin'], ['qmax', 'spec.qmax'], ['profile', "spec.profile === 'pytorch' ? 1 : 0"]];
    case 'layout':
      return granularity === 'axis'
        ? [['outer', 'layout.outer'], ['dim', 'layout.channels'], ['inner', 'layout.inner']]
        : [['outer', 'layout.outer'], ['dim', 'layout.dim'], ['inner', 'layout.inner'], ['blockSize', 'layout.blockSize']];
    case 'signed':
      return [['signed', 'signed ? 1 : 0']];
    case 'scheme':
      return [['scheme', "scheme === 'symmetric' ? 1 : 0"]];
    case 'dtype':
      return [['half', "dtype === 'bfloat16' ? 1 : 0"]];
    case 'format':
      return [['format', 'GGML_FORMAT_NAMES.indexOf(format)']];
    case 'precision':
      // 0 int8, 1 uint8 (quantizeEmbeddingRows); 2 binary, 3 ubinary (packBinaryRows).
      return [['precision', info.name === 'packBinaryRows' ? "precision === 'binary' ? 2 : 3" : "precision === 'int8' ? 0 : 1"]];
    case 'int8Rounding':
      return [['int8Rounding', "int8Rounding === 'toward-zero' ? 1 : 0"]];
    case 'bitOrder':
      return [['bitOrder', "bitOrder === 'lsb' ? 1 : 0"]];
    case 'threshold':
      return [['threshold', "threshold === 'nonnegative' ? 1 : 0"]];
    case 'order':
      // topKKernel's score order: 0 ascending, 1 descending.
      return [['order', "order === 'descending' ? 1 : 0"]];
    default:
      return [[param, param]];
  }
}

/** The expression of a kernel's result, read from the descriptor `d`. */
function result(info) {
  switch (info.returns) {
    case 'none':
      return undefined;
    case 'minMax':
      return ['{ min: d[S.min]!, max: d[S.max]! }', ['min', 'max']];
    case 'absMax':
      return ['d[S.absMax]!', ['absMax']];
    case 'badGroup':
      return ['d[S.badGroup]!', ['badGroup']];
    case 'badIndex':
      return ['d[S.badIndex]!', ['badIndex']];
    case 'count':
      return ['d[S.resultCount]!', ['resultCount']];
    case 'errorReport': {
      const sums = ['sumSq', 'sumAbs', 'maxAbs', 'sumRef2', 'sumApprox2', 'dot'];
      return [`errorReportOf({ ${sums.map((s) => `${s}: d[S.${s}]!`).join(', ')} }, ${info.count}.length)`, sums];
    }
  }
  throw new Error(`unknown result kind ${info.returns}`);
}

function generate() {
  const used = new Set();
  const sync = [];
  const async = [];
  const writers = new Map();
  for (const name of KERNEL_NAMES) {
    const info = KERNEL_TABLE[name];
    const params = info.params;
    const arrays = params.filter(isArrayParam);
    const scalars = params.filter((p) => !isArrayParam(p));
    // The scalars into d: spec and layout (several slots each) and runs of two or more one-slot parameters (scale and
    // zeroPoint, min and max, bits and signed) go through a writer shared by every kernel that has them; a lone
    // one-slot parameter is one statement. So a kernel's sync and async forms repeat a line or two, not a slot list.
    const cap = (t) => t[0].toUpperCase() + t.slice(1);
    const groups = [];
    for (const p of scalars) {
      const single = writes(p, info).length === 1;
      const last = groups[groups.length - 1];
      if (single && last?.single) last.params.push(p);
      else groups.push({ single, params: [p] });
    }
    const writeCall = [];
    for (const { params: ps } of groups) {
      const slots = ps.flatMap((p) => writes(p, info));
      slots.forEach(([slot]) => used.add(slot));
      if (slots.length === 1) {
        writeCall.push(`d[S.${slots[0][0]}] = ${slots[0][1]};`);
        continue;
      }
      const write = `write${ps.map((p) => (p === 'layout' ? `${cap(info.granularity)}${cap(p)}` : cap(p))).join('')}`;
      if (!writers.has(write)) {
        const types = ps.map((p) => `${p}: Args<'${name}'>[${params.indexOf(p)}]`).join(', ');
        const body = slots.map(([slot, value]) => `  d[S.${slot}] = ${value};`);
        writers.set(write, [`function ${write}(d: Float64Array, S: SlotIndices, ${types}): void {`, ...body, '}'].join('\n'));
      }
      writeCall.push(`${write}(d, S, ${ps.join(', ')});`);
    }
    const r = result(info);
    r?.[1].forEach((s) => used.add(s));
    const args = params.join(', ');
    sync.push(
      [
        `    ${name}(${args}) {`,
        ...writeCall.map((l) => `      ${l}`),
        `      e.${name}(${[...arrays, 'bytes'].join(', ')});`,
        ...(r ? [`      return ${r[0]};`] : []),
        '    },',
      ].join('\n'),
    );
    async.push(
      [
        `    async ${name}Async(${args}, options) {`,
        '      const d = new Float64Array(size);',
        ...writeCall.map((l) => `      ${l}`),
        `      await run(options, (cancel) => e.${name}Async(${[...arrays, 'new Uint8Array(d.buffer)', 'cancel'].join(', ')}));`,
        ...(r ? [`      return ${r[0]};`] : []),
        '    },',
      ].join('\n'),
    );
  }
  const slots = [...used].sort();
  return `// GENERATED FILE - DO NOT EDIT. Made by scripts/generate-binding.mjs from @quantkit/quant-core's KERNEL_TABLE
// (run \`pnpm --filter @quantkit/quant-native generate\` after changing the table; a test fails while this is stale).
// Each kernel writes its scalar parameters into the descriptor d at the slots the addon declares, and passes its
// arrays in the table's order, then d's bytes (docs: src/marshal.ts).
import { errorReportOf, GGML_FORMAT_NAMES, type AsyncKernels, type AsyncOptions, type KernelArgs, type KernelSignatures } from '@quantkit/quant-core';
import type { NativeEngine } from '../addon.js';

type Args<K extends keyof KernelSignatures> = KernelArgs<K>;

/** Every descriptor slot the kernels below write or read. */
export const USED_SLOTS = [${slots.map((s) => `'${s}'`).join(', ')}] as const;

/**
 * The index of every used slot in the loaded addon's descriptor. A class with every field set in its constructor, so
 * V8 keeps the object's properties fast (a plain object filled key by key turns into a dictionary past a dozen keys,
 * and every S.slot load on the hot path would then go through a dictionary lookup).
 */
export class SlotIndices {
${slots.map((s) => `  readonly ${s}: number;`).join('\n')}

  constructor(indexOf: (slot: (typeof USED_SLOTS)[number]) => number) {
${slots.map((s) => `    this.${s} = indexOf('${s}');`).join('\n')}
  }
}

${[...writers.values()].join('\n\n')}

/** The sync kernels of engine e; one descriptor d serves them all (JavaScript runs one call at a time). */
export function syncKernels(e: NativeEngine, d: Float64Array, S: SlotIndices): KernelSignatures {
  const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return {
${sync.join('\n')}
  };
}

/** Runs one async addon call with the cancel flag of options' signal (backend.ts). */
export type RunAsync = (options: AsyncOptions | undefined, start: (cancel: Int32Array | undefined) => Promise<void>) => Promise<void>;

/** The async kernels of engine e; every call gets its own descriptor of \`size\` slots. */
export function asyncKernels(e: NativeEngine, size: number, S: SlotIndices, run: RunAsync): AsyncKernels {
  return {
${async.join('\n')}
  };
}
`;
}

const text = generate();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch {}
  if (committed !== text) {
    console.error(`${OUT} is stale: run \`pnpm --filter @quantkit/quant-native generate\``);
    process.exit(1);
  }
} else {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`wrote ${OUT}`);
}
