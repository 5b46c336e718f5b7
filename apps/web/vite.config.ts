import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

/**
 * Copies the research notes (docs/research/*.md), where the scenarios' sources link to them, and the
 * teacher's guides (docs/teaching/*.md), where the classroom setup links to them, into the build at the same paths.
 */
function researchNotes(): Plugin {
  return {
    name: 'georisk-research-notes',
    apply: 'build',
    generateBundle() {
      for (const folder of ['research', 'teaching']) {
        for (const name of readdirSync(DOCS + folder)
          .filter((n) => /^[a-z0-9][a-z0-9-]*\.md$/.test(n))
          .sort())
          this.emitFile({ type: 'asset', fileName: `docs/${folder}/${name}`, source: readFileSync(`${DOCS}${folder}/${name}`, 'utf8') });
      }
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
