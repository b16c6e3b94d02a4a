#!/usr/bin/env node
/*
 * Lints the published packages the way consumers get them: `pnpm pack` every public package of the workspace
 * (packages/*, native/npm/*; everything without "private": true) into a temporary directory, then runs on each
 * tarball
 *
 *   - publint (`publint run <tarball> --strict`): exports/main/types/bin/files point at files that are in the
 *     tarball, condition order, module format of every entry. --strict makes warnings fail as well as errors;
 *     suggestions are printed but do not fail.
 *   - @arethetypeswrong/cli (`attw <tarball> --profile node16 --ignore-rules cjs-resolves-to-esm`): what
 *     TypeScript resolves for every entry point under node16/nodenext (from ESM and from CJS) and bundler
 *     resolution.
 *
 * Why that attw profile: the packages are ESM-only ("type": "module", one `default` condition) for Node
 * ^20.19 || >=22.12.
 *   - `node10` resolution (the `node`/`node10` TypeScript setting, which ignores "exports") is not checked: it
 *     predates package exports, and an ESM-only package cannot serve it (e.g. the `/checks` subpath of
 *     quant-conformance is invisible to it by design). The `node16` profile drops exactly that column.
 *   - `cjs-resolves-to-esm` is ignored because on the supported Node versions require() of an ES module is
 *     supported (require(esm), unflagged in 20.19 and 22.12; the pack-and-install smoke test require()s
 *     @quantkit/quant), so a require() resolving to ESM is the intended shape, not an error. attw predates that.
 *     We keep the `node16 (from CJS)` column rather than using `--profile esm-only` (which drops the column
 *     entirely): every other problem a CommonJS consumer could hit (no resolution, untyped resolution, false
 *     ESM/CJS, missing named exports...) still fails the lint.
 * attw only reads the tarball (no registry access). A package without a "types" field in package.json (the
 * per-platform addon package: a .node binary) is not given to attw; one that declares types must have them.
 *
 *   node scripts/lint-packages.mjs [--keep]
 *
 * Requires `pnpm build` first (dist/ and the native addon). Exit code 0 = every package passed both tools.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const keep = process.argv.includes('--keep');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Every non-private package of the workspace, with its directory. */
function publicPackages() {
  const found = [];
  for (const parent of ['packages', 'native/npm']) {
    const base = join(root, parent);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const file = join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.private !== true) found.push({ dir: join(base, name), pkg });
    }
  }
  return found;
}

/** Whether package.json declares type declarations (top-level "types"/"typings" or a "types" export condition). */
function declaresTypes(pkg) {
  if (pkg.types !== undefined || pkg.typings !== undefined) return true;
  return JSON.stringify(pkg.exports ?? null).includes('"types"');
}

/** Runs a command, prints its output indented; returns its exit status. */
function run(cmd, args) {
  console.log(`$ ${[cmd, ...args].map((a) => a.replace(root, '')).join(' ')}`);
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined } });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trimEnd();
  if (out) console.log(out.replace(/^/gm, '  '));
  if (r.error) console.log(`  ${r.error.message}`);
  return r.status ?? 1;
}

const work = mkdtempSync(join(tmpdir(), 'quantkit-lint-'));
const failures = [];

try {
  for (const tool of ['publint', 'attw']) {
    if (!existsSync(bin(tool))) throw new Error(`${tool} is not installed (root devDependencies): run pnpm install`);
  }
  const packages = publicPackages();
  if (packages.length === 0) throw new Error('no public package found');
  for (const { dir, pkg } of packages) {
    const entry = pkg.main ?? '';
    if (!existsSync(join(dir, entry))) {
      throw new Error(`${pkg.name}: ${entry} is missing; run pnpm build first (the native addon: pnpm --filter @quantkit/quant-native-build build)`);
    }
  }

  for (const { dir, pkg } of packages) {
    console.log(`\n== ${pkg.name}`);
    const packed = JSON.parse(execFileSync('pnpm', ['pack', '--pack-destination', work, '--json'], { cwd: dir, encoding: 'utf8' }));
    const tarball = packed.filename;
    console.log(`packed ${tarball.replace(work, '<tmp>')} (${packed.files.length} files)`);

    if (run(bin('publint'), ['run', tarball, '--strict']) !== 0) failures.push(`${pkg.name}: publint`);

    if (!declaresTypes(pkg)) {
      console.log('attw: skipped (package.json declares no types)');
      continue;
    }
    const attwArgs = [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--no-color', '--no-emoji'];
    const json = spawnSync(bin('attw'), [...attwArgs, '--format', 'json'], { encoding: 'utf8' });
    let analysis;
    try {
      analysis = JSON.parse(json.stdout).analysis;
    } catch {
      analysis = undefined;
    }
    // attw exits 0 on a package without any .d.ts file; a package that declares types must ship them.
    if (analysis?.types === false) {
      console.log('attw: the tarball contains no type declarations, but package.json declares types');
      failures.push(`${pkg.name}: attw (no types in the tarball)`);
    }
    if (run(bin('attw'), [...attwArgs, '--format', 'table-flipped']) !== 0) failures.push(`${pkg.name}: attw`);
  }
} catch (error) {
  failures.push(error.message);
} finally {
  if (keep) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\nlint-packages FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('\nlint-packages passed: publint and are-the-types-wrong on every packed public package');
}
