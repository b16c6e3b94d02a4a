import { defineBackendSuite } from '@quantkit/quant-conformance';
import { createWasmBackend } from '../src/index.js';

/*
 * The shared conformance suite (@quantkit/quant-conformance: every family, the ONNX Runtime oracle, the 10M-element
 * differential) against the WebAssembly backend, once per kernel set of the module.
 */
for (const isa of ['simd128', 'scalar'] as const) defineBackendSuite({ name: `wasm (isa ${isa})`, create: () => createWasmBackend({ isa }) });
