/**
 * The seeded generator of the tests: the conformance suite's (sfc32, packages/quant-conformance/src/random.ts), the
 * one implementation in the monorepo. Imported from its source by relative path because @quantkit/quant-conformance
 * depends on this package (a devDependency back would be a cycle); random.ts imports nothing, so this pulls in no
 * other conformance code. packages/quant-core/turbo.json lists it as an input of the test, typecheck and lint tasks.
 */
export { Rng } from '../../../quant-conformance/src/random.js';
