/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The app is served by `avni-integrator serve` at `/`, beside the API at `/api/v1`. `npm run
// dev` proxies the API to a local `make run` (port 8080; AVNI_API names another).
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets', // hashed names: the server gives them a year's cache
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      onwarn(warning, warn) {
        // MUI's "use client" lines are for server components; nothing to do in a browser app
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: { proxy: { '/api': process.env.AVNI_API ?? 'http://127.0.0.1:8080' } },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    // Typing into jsdom is slow on a loaded 2-core machine; a test that hangs still fails.
    testTimeout: 30_000,
  },
});
