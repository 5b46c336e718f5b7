import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The app is served from any path (by the API server or a static host), so assets use relative URLs.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2500,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
