#!/usr/bin/env node
/*
 * Pack-and-install smoke test: proves the published packages work as users get them (exports, types, files,
 * optionalDependencies, the per-platform addon package), outside the workspace.
 *
 *   node packages/quant/scripts/smoke-pack.mjs [--keep] [--allow-reference]
 *
 * 1. `pnpm pack` every public package of the workspace (packages/*, native/npm/*; pnpm rewrites workspace:* to
 *    real versions), after checking the platform package holds a built quant_native.node.
 *    Platform packages for another CPU than this host's (native/npm/linux-arm64-gnu on x64) are not installable
 *    here: their tarballs must hold a quant_native.node that is an ELF object for the CPU their packed package.json
 *    names, and they are left out of step 2.
 * 2. `npm install` all the (installable) tarballs into an empty temporary project, preferring the npm cache: the only third-party
 *    runtime dependencies allowed are THIRD_PARTY below (fetched from the registry when not cached); peers are not
 *    installed, so @quantkit/quant-conformance comes without vitest.
 * 3. import the API from ESM and require() it from CommonJS, check backendInfo().name === 'native' (unless
 *    --allow-reference), type-check a TypeScript consumer against the installed .d.ts files, export the conformance
 *    corpus through @quantkit/quant-conformance/checks, and run `quant demo` if the CLI package exists.
 * Requires `pnpm build` first (and the native addon built). Exit code 0 = every step passed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/**
 * The third-party packages the published packages may depend on at run time (anything else fails the smoke test):
 * quant-onnx's protobuf runtime, and quant-queue's BullMQ and its Redis client (`quant submit` / `quant worker`).
 */
const THIRD_PARTY = new Set(['@bufbuild/protobuf', 'bullmq', 'ioredis']);
const keep = process.argv.includes('--keep');
const allowReference = process.argv.includes('--allow-reference');

function step(title) {
  console.log(`\n== ${title}`);
}

function run(cmd, args, options = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Every non-private package of the workspace, with its directory. */
function publicPackages() {
  const dirs = [];
  for (const parent of ['packages', 'native/npm']) {
    const base = join(root, parent);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const file = join(base, name, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (pkg.private !== true) dirs.push({ dir: join(base, name), pkg });
    }
  }
  return dirs;
}

/** This host's platform triple, as the loader computes it (packages/quant-native/src/platform.ts). */
function hostTriple() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  return `linux-${process.arch}-${process.report?.getReport().header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

/** The tarball `pnpm pack` wrote for pkg. */
function tarballOf(pkg, files) {
  const file = files.find((f) => f === `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
  if (file === undefined) throw new Error(`no tarball of ${pkg.name} among ${files.join(', ')}`);
  return file;
}

/** ELF e_machine of each npm cpu a platform package may name. */
const ELF_MACHINE = { x64: 0x3e, arm64: 0xb7 };

/**
 * A platform package for another CPU: its tarball must hold quant_native.node, an ELF shared object for the CPU its
 * packed package.json names (os / cpu / libc are set at pack time from publishConfig, see native/npm/linux-arm64-gnu).
 */
function checkForeignTarball(pkg, tarball) {
  const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json']));
  const cpu = manifest.cpu?.[0];
  if (manifest.cpu?.length !== 1 || !(cpu in ELF_MACHINE) || manifest.os?.[0] !== 'linux') {
    throw new Error(`${pkg.name}: packed package.json has os ${JSON.stringify(manifest.os)} and cpu ${JSON.stringify(manifest.cpu)}`);
  }
  let binary;
  try {
    binary = execFileSync('tar', ['-xOzf', tarball, 'package/quant_native.node'], { maxBuffer: 1 << 30 });
  } catch {
    throw new Error(`${pkg.name}: its tarball has no quant_native.node (cross-build it: bash native/scripts/check-arm64.sh)`);
  }
  const elf = binary.length > 20 && binary.readUInt32BE(0) === 0x7f454c46 && binary[4] === 2 && binary.readUInt16LE(16) === 3;
  if (!elf || binary.readUInt16LE(18) !== ELF_MACHINE[cpu]) {
    throw new Error(`${pkg.name}: quant_native.node is not a 64-bit ELF shared object for ${cpu}`);
  }
  console.log(`${pkg.name}: tarball holds quant_native.node (${binary.length} bytes, ELF for ${cpu}); not installable on ${process.arch}`);
}

const work = mkdtempSync(join(tmpdir(), 'quantkit-smoke-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballs);
mkdirSync(project);

try {
  const packages = publicPackages();
  const names = packages.map((p) => p.pkg.name);
  for (const required of ['@quantkit/quant', '@quantkit/quant-core', '@quantkit/quant-native', '@quantkit/quant-wasm', '@quantkit/quant-conformance']) {
    if (!names.includes(required)) throw new Error(`public package ${required} not found in the workspace`);
  }
  // This host's platform package is installed and loaded; the others (e.g. linux-arm64-gnu, cross-built by
  // native/scripts/check-arm64.sh) cannot be installed here, so their packed tarballs are inspected instead.
  const hostPlatform = `@quantkit/quant-native-${hostTriple()}`;
  const platform = packages.find((p) => p.pkg.name === hostPlatform);
  if (platform === undefined) throw new Error(`no per-platform addon package ${hostPlatform} (native/npm/*) found`);
  const foreign = packages.filter((p) => p.pkg.name.startsWith('@quantkit/quant-native-') && p !== platform);
  if (!existsSync(join(platform.dir, 'quant_native.node'))) {
    throw new Error(`${platform.pkg.name} has no quant_native.node: build the addon first (pnpm --filter @quantkit/quant-native-build build)`);
  }
  for (const p of packages) {
    if (p.pkg.main?.startsWith('./dist') && !existsSync(join(p.dir, 'dist'))) throw new Error(`${p.pkg.name} is not built: run pnpm build`);
  }

  step(`pnpm pack (${names.length} packages)`);
  for (const p of packages) run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir });
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  console.log(files.join('\n'));
  for (const f of files) {
    const manifest = run('tar', ['-xOzf', join(tarballs, f), 'package/package.json']);
    if (manifest.includes('workspace:')) throw new Error(`${f}: package.json still has a workspace: range`);
  }
  const foreignFiles = foreign.map((p) => tarballOf(p.pkg, files));
  for (const [i, p] of foreign.entries()) checkForeignTarball(p.pkg, join(tarballs, foreignFiles[i]));

  for (const p of packages) {
    for (const dep of Object.keys(p.pkg.dependencies ?? {})) {
      if (!dep.startsWith('@quantkit/') && !THIRD_PARTY.has(dep)) throw new Error(`${p.pkg.name} depends on ${dep}, which is not an allowed third-party runtime dependency`);
    }
  }

  step('npm install the tarballs into an empty project (third-party dependencies: ' + [...THIRD_PARTY].join(', ') + ')');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'quantkit-smoke', version: '1.0.0', private: true }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', '--no-package-lock', ...files.filter((f) => !foreignFiles.includes(f)).map((f) => join(tarballs, f))], { cwd: project });
  const installed = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies;
  console.log(Object.keys(installed).join(', '));
  if (!existsSync(join(project, 'node_modules', platform.pkg.name, 'quant_native.node'))) throw new Error(`${platform.pkg.name} was installed without its quant_native.node`);

  step('ESM import');
  writeFileSync(
    join(project, 'esm.mjs'),
    `import { quantize, dequantize, quantizeAsync, backendInfo, ErrorCodes, QuantError, kernels } from '@quantkit/quant';
const x = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i));
const qt = quantize(x, { scheme: 'symmetric', bits: 4, packed: true });
const back = dequantize(qt);
const again = await quantizeAsync(x, { scheme: 'symmetric', bits: 4, packed: true });
if (back.length !== x.length || Buffer.compare(Buffer.from(again.data), Buffer.from(qt.data)) !== 0) throw new Error('round trip failed');
let code;
try { quantize(x, { bits: 1 }); } catch (e) { code = e instanceof QuantError ? e.code : 'not a QuantError'; }
if (code !== ErrorCodes.BITS) throw new Error('unexpected error code ' + code);
if (typeof kernels.quantizeTensor !== 'function') throw new Error('kernels missing');
console.log(JSON.stringify(backendInfo()));
`,
  );
  const esmInfo = JSON.parse(run('node', ['esm.mjs'], { cwd: project }).trim());
  console.log(esmInfo);

  step('CommonJS require()');
  writeFileSync(
    join(project, 'cjs.cjs'),
    `const quant = require('@quantkit/quant');
const qt = quant.quantize(Float32Array.of(-1, 0, 0.5, 2), { scheme: 'symmetric' });
if (Array.from(qt.data).join() !== '-64,0,32,127') throw new Error('unexpected codes ' + Array.from(qt.data));
console.log(JSON.stringify(quant.backendInfo()));
`,
  );
  const cjsInfo = JSON.parse(run('node', ['cjs.cjs'], { cwd: project }).trim());
  console.log(cjsInfo);
  for (const info of [esmInfo, cjsInfo]) {
    if (info.name !== 'native' && !allowReference) throw new Error(`backendInfo().name is '${info.name}', expected 'native' (${info.reason ?? 'no reason given'})`);
  }

  step('the WebAssembly backend where the addon is missing (QUANT_BACKEND=auto, only node on PATH: no compiler)');
  const addonDir = join(project, 'node_modules', platform.pkg.name);
  renameSync(addonDir, `${addonDir}.hidden`);
  try {
    const bin = join(work, 'node-only-bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    writeFileSync(
      join(project, 'wasm.mjs'),
      `import { quantize, dequantize, backendInfo } from '@quantkit/quant';
const qt = quantize(Float32Array.of(-1, 0, 0.5, 2), { scheme: 'symmetric' });
if (Array.from(qt.data).join() !== '-64,0,32,127') throw new Error('unexpected codes ' + Array.from(qt.data));
const x = Float32Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i));
if (dequantize(quantize(x)).length !== x.length) throw new Error('round trip failed');
console.log(JSON.stringify(backendInfo()));
`,
    );
    const wasmInfo = JSON.parse(run(join(bin, 'node'), ['wasm.mjs'], { cwd: project, env: { PATH: bin, QUANT_BACKEND: 'auto' } }).trim());
    console.log(wasmInfo);
    if (wasmInfo.name !== 'wasm' || wasmInfo.isa !== 'simd128') throw new Error(`backendInfo() without the addon is ${JSON.stringify(wasmInfo)}, expected the wasm backend`);
    if (!/^native backend unavailable: /.test(wasmInfo.reason ?? '')) throw new Error(`no reason for the fallback to wasm: ${JSON.stringify(wasmInfo)}`);
  } finally {
    renameSync(`${addonDir}.hidden`, addonDir);
  }

  step('TypeScript consumer against the installed .d.ts files');
  writeFileSync(
    join(project, 'consumer.mts'),
    `import { quantize, createQuantizer, backendInfo, type QuantizedTensor, type BackendInfo, type Backend } from '@quantkit/quant';
import { exportCorpus, type CheckResult } from '@quantkit/quant-conformance/checks';
import { createNativeBackend } from '@quantkit/quant-native';
const qt: QuantizedTensor = quantize(new Float32Array(8), { bits: 8 });
const info: BackendInfo = backendInfo();
const b: Backend = createQuantizer({ backend: 'reference' }).backend();
const n: Backend = createNativeBackend({ isa: 'scalar' });
const paths: string[] = exportCorpus('corpus-out');
const r: CheckResult | undefined = undefined;
export { qt, info, b, n, paths, r };
`,
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [], lib: ['es2022'], skipLibCheck: false }, files: ['consumer.mts'] }, null, 2),
  );
  const tsc = join(dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
  run('node', [tsc, '-p', 'tsconfig.json'], { cwd: project });
  console.log('types OK');

  step('conformance corpus from the installed package (no vitest)');
  writeFileSync(
    join(project, 'corpus.mjs'),
    `import { exportCorpus, runConformance, formatReport } from '@quantkit/quant-conformance/checks';
import { createQuantizer } from '@quantkit/quant';
const files = exportCorpus('corpus-out');
if (!files.some((f) => f.endsWith('onnx-qdq.json')) || files.length < 12) throw new Error('corpus incomplete: ' + files.join(', '));
const report = await runConformance([{ name: 'installed', create: () => createQuantizer().backend() }], { families: ['onnx-vectors', 'seed-walkthrough'], differential: false });
console.log(formatReport(report));
if (report.targets[0].families['onnx-vectors'].failures.length > 0) throw new Error('conformance failed');
console.log(files.length + ' corpus files');
`,
  );
  console.log(run('node', ['corpus.mjs'], { cwd: project }));

  step('quant demo (CLI)');
  if (names.includes('@quantkit/quant-cli')) {
    const bin = join(project, 'node_modules', '.bin', 'quant');
    if (!existsSync(bin)) throw new Error('@quantkit/quant-cli installed without its quant bin');
    console.log(run(bin, ['demo'], { cwd: project }));
  } else console.log('@quantkit/quant-cli not in the workspace: skipped');

  console.log(`\nsmoke test passed (${files.length} tarballs, backend ${esmInfo.name}/${esmInfo.isa})`);
} catch (error) {
  console.error(`\nsmoke test FAILED: ${error.message}`);
  if (error.stderr) console.error(String(error.stderr));
  if (error.stdout) console.error(String(error.stdout));
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
