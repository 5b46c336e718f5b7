/** Accepts raw YAML (or JSON) documents as string bodies, for the validate and save routes; the body limit applies before parsing. */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const yamlBody: FastifyPluginAsync = async (app) => {
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );
};

/** The YAML body parser, for the whole app (a YAML body elsewhere fails the route's own schema, not with 415). */
export const yamlBodyPlugin = fp(yamlBody, { name: 'georisk-yaml-body' });
