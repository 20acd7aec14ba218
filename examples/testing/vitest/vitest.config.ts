import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Runs once, before any test worker starts; its returned function runs after the last test file.
    globalSetup: ['./global-setup.ts'],
  },
});
