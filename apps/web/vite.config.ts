import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const RESEARCH = fileURLToPath(new URL('../../docs/research/', import.meta.url));

/** Copies the research notes (docs/research/*.md) into the build at docs/research/, where the scenarios' sources link to them. */
function researchNotes(): Plugin {
  return {
    name: 'georisk-research-notes',
    apply: 'build',
    generateBundle() {
      for (const name of readdirSync(RESEARCH)
        .filter((n) => /^[a-z0-9][a-z0-9-]*\.md$/.test(n))
        .sort())
        this.emitFile({ type: 'asset', fileName: `docs/research/${name}`, source: readFileSync(RESEARCH + name, 'utf8') });
    },
  };
}

// The app is served from any path (by the API server or a static host), so assets use relative URLs.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [researchNotes()],
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
