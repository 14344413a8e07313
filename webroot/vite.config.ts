// Vite build and Vitest configuration of the Accord dashboard (bundled into the Accord jar).
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

export default defineConfig({
  base: '/',
  plugins: [preact()],
  // sockjs-client still reads Node's `global` in a few places
  define: { global: 'globalThis' },
  build: {
    // not 'webroot': a webroot/ folder beside the jar would shadow the built files
    outDir: '../target/classes/dashboard',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev` against a locally running Accord (java -jar target/accord.jar demo --keep-running)
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/eventbus': { target: 'http://127.0.0.1:8080', ws: true },
      '/.well-known': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
  },
});
