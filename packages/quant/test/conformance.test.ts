import { QuantError } from '@quantkit/quant-core';
import { defineBackendSuite } from '@quantkit/quant-conformance';
import { createQuantizer, type BackendMode } from '../src/index.js';

/*
 * The shared conformance suite (@quantkit/quant-conformance) against this adapter in each mode: reference, native,
 * auto (its routed backend: small calls on the reference, the rest native). The native backend itself, per kernel
 * set, is proven in @quantkit/quant-native's own tests. A missing addon (ERR_QUANT_NATIVE_UNAVAILABLE) skips the
 * native runs with the reason, or fails them under QUANT_REQUIRE_NATIVE=1. In auto mode the adapter falls back by
 * design; under QUANT_REQUIRE_NATIVE=1 it must not.
 */

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
