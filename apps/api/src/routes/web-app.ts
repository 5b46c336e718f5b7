/** `/`: the built web app's files (hashed assets cached for a year, HTML always revalidated), or a short page pointing to the API. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { sendError } from '../errors.ts';

export interface WebAppRoutesOptions {
  /** The built web app (apps/web/dist); undefined serves the index page instead. */
  webDir: string | undefined;
}

const INDEX_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>georisk</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2430}code{background:#eef1f5;padding:0 .2rem}</style>
</head>
<body>
<h1>georisk</h1>
<p>Probabilistic escalation scenarios: seeded Monte Carlo and exact analysis, reproducible bit for bit.</p>
<p>The web app is not built here (build it with <code>pnpm --filter @georisk/web build</code>, or start with <code>pnpm start</code>, which builds it). The REST API:</p>
<ul>
<li><a href="/api/docs">API documentation</a> (<a href="/api/openapi.json">OpenAPI document</a>)</li>
<li><a href="/api/scenarios">the scenario library</a></li>
<li><a href="/api/health">health</a></li>
</ul>
</body>
</html>
`;

/** Answered at / while the bundle's index.html is missing (the bundle being switched, or removed): a page that says so, never a blank one. */
const REBUILDING_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>georisk: web app unavailable</title><meta http-equiv="refresh" content="5"></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The web app is being rebuilt</h1>
<p>Its files are missing on the server right now; this page reloads by itself in a few seconds. If it stays, rebuild it with <code>pnpm --filter @georisk/web build</code> (the API keeps working: <a href="/api/docs">API documentation</a>).</p>
</body>
</html>
`;

/**
 * The web app's routes. Files are looked up on disk at each request (fastify-static's wildcard route),
 * not listed once at start, so a bundle rebuilt while the server runs is served whole: its new hashed
 * asset names are found, and / reads the new index.html.
 */
export const webAppRoutes: FastifyPluginAsync<WebAppRoutesOptions> = async (app, { webDir }) => {
  if (webDir === undefined) {
    app.get('/', { config: { rateLimit: false } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(INDEX_PAGE));
    return;
  }
  // fastify-static refuses some paths with a 403 of its own (a NUL byte, a folder, a name the file system
  // rejects): to a client these are files that do not exist, answered as the app's 404.
  app.setErrorHandler<FastifyError>((error, request, reply) =>
    error.statusCode === 403 ? reply.callNotFound() : sendError(error, request, reply),
  );
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: true,
    index: false,
    setHeaders: (res, path) => {
      res.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
    },
  });
  app.get('/', { config: { rateLimit: false } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    try {
      return reply.send(await readFile(join(webDir, 'index.html')));
    } catch {
      return reply.code(503).header('retry-after', '5').send(REBUILDING_PAGE);
    }
  });
};
