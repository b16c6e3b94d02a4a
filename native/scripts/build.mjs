// Builds quant_native.node (cmake-js, Release) and copies it to the platform package directory (npm/<platform>/).
//
// Run explicitly (`pnpm build`); installing the workspace never builds anything. When the toolchain is missing or the
// build fails, this prints one paragraph saying why and exits 0, because quantkit works without the addon (the
// TypeScript reference backend) -- unless QUANT_REQUIRE_NATIVE=1, which turns it into an error (CI sets it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.QUANT_REQUIRE_NATIVE === '1';
const built = join(nativeDir, 'build', 'Release', 'quant_native.node');

function giveUp(reason) {
  const consequence = required
    ? 'QUANT_REQUIRE_NATIVE=1 is set, so this fails the build.'
    : 'quantkit keeps working with its TypeScript reference backend; set QUANT_REQUIRE_NATIVE=1 to make this an error.';
  console.error(`\n[quant-native] The native addon was not built: ${reason} ${consequence}\n`);
  process.exit(required ? 1 : 0);
}

/** The platform package directory name, as the loader computes it (packages/quant-native/src/platform.ts). */
function platformTriple() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  const header = process.report?.getReport().header;
  return `linux-${process.arch}-${header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

let cmakeJs;
try {
  cmakeJs = createRequire(import.meta.url).resolve('cmake-js/bin/cmake-js');
} catch {
  giveUp('cmake-js is not installed (run `pnpm install` at the repository root first).');
}

const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
if (cmake.error || cmake.status !== 0) {
  giveUp('`cmake` was not found on PATH. Install CMake >= 3.19 and a C++17 compiler (for example `apt-get install cmake g++`), then run `pnpm build` again.');
}

const args = [cmakeJs, 'compile', '--directory', nativeDir, '--config', 'Release', '--parallel', String(availableParallelism())];
const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' });
if (result.error || result.status !== 0) {
  const how = result.error ? result.error.message : `exit code ${result.status}`;
  giveUp(`\`cmake-js compile\` failed (${how}); its output above says why. It needs a C++17 compiler (g++ >= 9 or clang >= 10).`);
}
if (!existsSync(built)) giveUp(`cmake-js reported success but ${relative(process.cwd(), built)} does not exist.`);

const platformDir = join(nativeDir, 'npm', platformTriple());
if (existsSync(join(platformDir, 'package.json'))) {
  copyFileSync(built, join(platformDir, 'quant_native.node'));
  console.log(`[quant-native] built ${relative(nativeDir, built)} and copied it to ${relative(nativeDir, platformDir)}/`);
} else {
  console.log(`[quant-native] built ${relative(nativeDir, built)} (no platform package directory npm/${platformTriple()} to copy it to)`);
}
