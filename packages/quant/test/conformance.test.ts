import { QuantError } from '@quantkit/quant-core';
import { defineBackendSuite } from '@quantkit/quant-conformance';
import { createQuantizer, type BackendMode } from '../src/index.js';
import { requireNativeModule } from '../src/select.js';

/*
 * The shared conformance suite (@quantkit/quant-conformance) against:
 * - the native backend itself, with ISA auto and forced to scalar (loaded as users load it: require('@quantkit/quant-native')),
 * - this adapter in each mode: reference, native, auto (its routed backend: small calls on the reference, the rest native).
 * A missing addon (ERR_QUANT_NATIVE_UNAVAILABLE) skips the native runs with the reason, or fails them under
 * QUANT_REQUIRE_NATIVE=1. In auto mode the adapter falls back by design; under QUANT_REQUIRE_NATIVE=1 it must not.
 */

defineBackendSuite({ name: 'native (isa auto)', create: () => requireNativeModule().createNativeBackend({ isa: 'auto' }) });
defineBackendSuite({ name: 'native (isa scalar)', create: () => requireNativeModule().createNativeBackend({ isa: 'scalar' }) });

function adapter(mode: BackendMode) {
  return () => {
    const q = createQuantizer({ backend: mode });
    const info = q.backendInfo();
    if (mode === 'auto' && info.name !== 'native' && process.env.QUANT_REQUIRE_NATIVE === '1') {
      throw new QuantError('ERR_QUANT_BACKEND', `QUANT_REQUIRE_NATIVE=1 but auto selected ${info.name}: ${info.reason ?? ''}`);
    }
    return q.backend();
  };
}

for (const mode of ['reference', 'native', 'auto'] as const) defineBackendSuite({ name: `@quantkit/quant (QUANT_BACKEND=${mode})`, create: adapter(mode) });
