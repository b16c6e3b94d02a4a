/*
 * The browser bundle of wasm-conformance.test.ts: @quantkit/quant (its built dist/) with the WebAssembly backend,
 * and the vitest-free conformance checks. Bundled for the browser by rolldown; Node built-ins the conformance package
 * names (its corpus is read with node:fs in Node) and the Buffer global it uses are replaced by browser-shims.ts.
 */
import { conformanceChecks, FAMILY_NAMES, runChecks, type FamilyTotals } from '@quantkit/quant-conformance/checks';
import { createWasmBackend, loadWasmModule } from '@quantkit/quant-wasm';
import { createQuantizer } from '../../dist/index.js';
import { BrowserBuffer } from './browser-shims.js';

export interface BrowserReport {
  readonly backend: { name: string; isa: string };
  readonly quantizeAgrees: boolean;
  readonly families: Record<string, FamilyTotals>;
  /** The same families on the reference backend in this browser (what the browser's own Math gives). */
  readonly referenceFamilies: Record<string, FamilyTotals>;
}

/** Loads the module from `wasmUrl` (async: browsers cannot compile it synchronously), then runs every family. */
export async function runAll(wasmUrl: string, differentialElements: number, seed: number): Promise<BrowserReport> {
  (globalThis as { Buffer?: unknown }).Buffer ??= BrowserBuffer; // the conformance package compares bytes with it
  const module = await loadWasmModule(wasmUrl);
  const backend = createWasmBackend({ module });
  const q = createQuantizer({ backend });
  const reference = createQuantizer({ backend: 'reference' });
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 4);
  const a = q.quantize(x).data;
  const b = reference.quantize(x).data;
  const quantizeAgrees = a.length === b.length && a.every((v, i) => v === b[i]);
  const families = await runChecks(backend, conformanceChecks({ families: FAMILY_NAMES, differential: { elements: differentialElements, seed } }));
  const referenceFamilies = await runChecks(reference.backend(), conformanceChecks({ families: FAMILY_NAMES.filter((f) => f !== 'differential') }));
  return { backend: { name: q.backendInfo().name, isa: q.backendInfo().isa }, quantizeAgrees, families, referenceFamilies };
}
