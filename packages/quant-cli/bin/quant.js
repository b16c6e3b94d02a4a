#!/usr/bin/env node
// The installed `quant` command. It is committed (not built) so that `pnpm install` on a fresh clone can link it
// before anything is compiled; it runs the compiled CLI.
import '../dist/bin.js';
