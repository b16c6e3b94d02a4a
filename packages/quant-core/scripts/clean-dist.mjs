#!/usr/bin/env node
// Empties dist/ before tsc writes it, so that the output of a deleted source file (kernels/specialize.js, say) is not
// left behind to be published or found by test/no-eval.test.ts.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
