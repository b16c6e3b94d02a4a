#!/usr/bin/env node
// The conformance report: every case family × every backend, with pass counts, run programmatically (no vitest).
//   pnpm conformance [--elements N] [--seed N] [--families a,b] [--no-onnxruntime]
// Backends: the reference; the native backend once per kernel set the addon can run here (availableIsas: a new set
// appears without a change here); the WebAssembly backend (@quantkit/quant-wasm) in both its kernel sets;
// @quantkit/quant in each
// QUANT_BACKEND mode. Sibling packages are loaded from their built dist (run `pnpm build` first). Exits non-zero when
// a case fails, or when QUANT_REQUIRE_NATIVE=1 and the native addon is unavailable.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { referenceBackend } from '@quantkit/quant-core';
import { formatReport, NATIVE_UNAVAILABLE, onnxRuntimeChecks, reportPassed, runConformance } from '../dist/checks.js';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const elements = option('elements') === undefined ? undefined : Number(option('elements'));
const seed = option('seed') === undefined ? undefined : Number(option('seed'));
const families = option('families')?.split(',');

/** A sibling package's built entry point, or an "unavailable" error saying how to build it. */
async function sibling(dir) {
  const entry = fileURLToPath(new URL(`../../${dir}/dist/index.js`, import.meta.url));
  if (!existsSync(entry)) throw Object.assign(new Error(`packages/${dir} is not built (run pnpm build)`), { code: NATIVE_UNAVAILABLE });
  return import(entry);
}

const native = async (isa) => (await sibling('quant-native')).createNativeBackend({ isa });
const wasm = async (isa) => (await sibling('quant-wasm')).createWasmBackend({ isa });
const adapter = async (backend) => {
  const q = (await sibling('quant')).createQuantizer({ backend });
  const info = q.backendInfo();
  if (backend === 'auto' && info.name !== 'native' && process.env.QUANT_REQUIRE_NATIVE === '1') throw new Error(`auto selected ${info.name}: ${info.reason}`);
  return q.backend();
};

/** The kernel sets of the addon (its availableIsas), or ['auto'] when it cannot load (the column then says why). */
async function kernelSets() {
  try {
    return (await sibling('quant-native')).loadNativeAddon().addon.availableIsas.split(',');
  } catch {
    return ['auto'];
  }
}

const targets = [
  { name: 'reference', create: () => referenceBackend },
  ...(await kernelSets()).map((isa) => ({ name: `native ${isa}`, create: () => native(isa) })),
  { name: 'wasm simd128', create: () => wasm('simd128') },
  { name: 'wasm scalar', create: () => wasm('scalar') },
  { name: 'quant reference', create: () => adapter('reference') },
  { name: 'quant native', create: () => adapter('native') },
  { name: 'quant wasm', create: () => adapter('wasm') },
  { name: 'quant auto', create: () => adapter('auto') },
];

const extraChecks = [];
if (!args.includes('--no-onnxruntime')) {
  try {
    extraChecks.push(...onnxRuntimeChecks(await import('onnxruntime-node'), seed === undefined ? {} : { seed }));
  } catch (error) {
    console.warn(`onnxruntime-node unavailable, its family is left out: ${error.message.split('\n')[0]}`);
  }
}

const started = Date.now();
const report = await runConformance(targets, {
  ...(families ? { families } : {}),
  differential: { ...(elements !== undefined ? { elements } : {}), ...(seed !== undefined ? { seed } : {}) },
  extraChecks,
});
console.log(formatReport(report));
console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);

const nativeMissing = report.targets.some((t) => t.status === 'unavailable');
if (nativeMissing && process.env.QUANT_REQUIRE_NATIVE === '1') {
  console.error('QUANT_REQUIRE_NATIVE=1 but a native backend is unavailable');
  process.exitCode = 1;
}
if (!reportPassed(report)) process.exitCode = 1;
