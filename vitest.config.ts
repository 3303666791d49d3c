import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    env: { NO_COLOR: '1', TZ: 'UTC', COLUMNS: '160' },
  },
});
