/** Building blocks of the OpenAPI path entries that each route file declares beside its routes. */

/** A JSON body or response given by a schema in the document's components. */
export const jsonContent = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request or scenario: `{code, message, path, issues}` (issues carry line and column)',
  404: 'No such scenario or run',
  413: 'Body larger than the limit',
  429: 'Rate limit exceeded, or this address already has two simulation jobs running (Retry-After)',
  503: 'Server busy, job deadline passed or shutting down (Retry-After)',
};

/** The error responses of a route, each with the common error body. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'error', content: jsonContent('Error') }]));

/** Any JSON object. */
export const ANY_OBJECT = { type: 'object', additionalProperties: true };

/** The `{id}` path parameter. */
export const ID_PARAM = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
