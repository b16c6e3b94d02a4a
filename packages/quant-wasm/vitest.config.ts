import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Resolve workspace packages to their TypeScript sources. Tests run in Vite's SSR environment, which takes its
  // conditions from ssr.resolve (without it, @quantkit/quant-core would resolve to its last build in dist/).
  resolve: { conditions: ['@quantkit/source'] },
  ssr: { resolve: { conditions: ['@quantkit/source'] } },
  // One file at a time: the files use large arrays and one of them measures event-loop lag.
  test: { include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000 },
});
