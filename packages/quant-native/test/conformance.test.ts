import { defineBackendSuite } from '@quantkit/quant-conformance';
import { createNativeBackend } from '../src/index.js';
import { nativeAddon } from '../src/loader.js';

/*
 * The shared conformance suite (@quantkit/quant-conformance) against the native backend, once per kernel set this CPU
 * can run (the addon's availableIsas: a new kernel set is proven here without a change to this file). A missing addon
 * (ERR_QUANT_NATIVE_UNAVAILABLE) skips the run with the reason, or fails it under QUANT_REQUIRE_NATIVE=1.
 */

function kernelSets(): string[] {
  try {
    return nativeAddon().addon.availableIsas.split(',');
  } catch {
    return ['auto']; // the suite reports why the addon is unavailable
  }
}

for (const isa of kernelSets()) defineBackendSuite({ name: `native (isa ${isa})`, create: () => createNativeBackend({ isa }) });
