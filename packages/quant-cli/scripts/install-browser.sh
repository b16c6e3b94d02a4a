#!/usr/bin/env bash
# Installs Debian's `chromium` package, the browser test/report-browser.test.ts renders `quant report` pages in
# (through playwright-core, which downloads no browser of its own). Does nothing when /usr/bin/chromium exists.
# CI runs it, then the tests with QUANT_REQUIRE_BROWSER=1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bash "$root/scripts/apt-install.sh" --with-recommends chromium '[ -x /usr/bin/chromium ]' chromium
/usr/bin/chromium --version 2>/dev/null || true
