import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@quantkit/source'] },
  test: { include: ['test/**/*.test.ts'] },
});
