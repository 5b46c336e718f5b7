/**
 * Every error the API answers with, mapped to HTTP in one place (`sendError`): user errors are 4xx
 * `{code, message, path}`; anything else is a 500 whose body carries no internal message or stack.
 */
import { type DocumentKind, GeoriskError, type Issue, keysAt, nearest, RAISE_BUDGET, zodIssues } from '@georisk/engine';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_ID_CHARS, MAX_URL_CHARS } from './schemas.ts';

/**
 * The API's own error codes, each with its status and meaning (engine codes such as `yaml_syntax`,
 * `budget_exceeded` or `result_too_large` come as 400 with `issues`; docs/scenario-language.md lists them).
 */
export const API_ERROR_CODES = {
  invalid_request: '400: the body, query or path does not match its schema (`path` names the field)',
  invalid_json: '400: the body is not valid JSON, or carries a __proto__ / constructor.prototype key',
  bad_request: '400: the request is not well-formed HTTP (request line, headers or body framing)',
  invalid_url: '400: the URL holds an invalid percent-encoding',
  not_found: '404: no such scenario, run or route',
  method_not_allowed: '405: the path is a route, but not for this method (the Allow header lists those it takes)',
  body_timeout: '408: the body did not arrive in time (shorter than its Content-Length, or too slow); nothing was done',
  body_too_large: '413: the body is larger than the limit (256 KiB)',
  url_too_long: '414: the URL is longer than 2,048 characters, or an id or other part of it longer than any the API issues (200)',
  headers_too_large: '431: the request headers (URL included) are larger than the server accepts',
  row_too_large: "413: the run's result (or the scenario's text) is larger than the largest stored row (64 MiB); recorded on the run",
  storage_quota_exceeded: '413: this address has stored as many bytes as its quota allows (1 GiB of scenarios, runs and results)',
  quota_exceeded: '429: this address has stored as many runs (10,000) or saved scenarios (1,000) as its quota allows',
  exercise_rate_limited: '429: this address has created as many classroom exercises as it may in an hour (20; see Retry-After)',
  unsupported_media_type:
    '415: send application/json, or YAML as application/yaml, text/yaml or text/plain, uncompressed (no Content-Encoding)',
  rate_limited: '429: too many requests from this address in the window (see Retry-After)',
  too_many_jobs:
    '429: this address already has two jobs running: runs, exact analyses, sweeps, sensitivity analyses and classroom reveals count alike (see Retry-After)',
  internal_error: '500: a fault in the server; the body has only a request id, the log has the rest',
  document_too_complex: '400: checking the document took longer than its limit (10 s on a document thread)',
  server_busy: '503: every slot of the worker pool, or of the document-checking queue, is taken (see Retry-After)',
  overloaded: '503: the event loop lags or the heap is too large, so new requests are shed (see Retry-After)',
  deadline_exceeded: '503: the job did not finish within its deadline (a server-side limit) and was stopped (recorded on the run or job)',
  client_gone:
    '503: the client closed the connection before the answer, so its run was stopped (recorded on the run; the server cut nothing)',
  cancelled: 'recorded on a job cancelled by DELETE',
  shutting_down: '503: the server stopped before the job finished',
  server_restarted: 'recorded on a run that a previous server process did not finish',
  queue_failed:
    'recorded on a job run on the queue (--queue) whose chunk a worker refused or failed every attempt, or whose Redis went away',
  unauthorized: '401: a classroom route without a token; send "Authorization: Bearer <token>"',
  forbidden: "403: the token is not this exercise's teacher token (or not one of its students')",
  cross_origin:
    "403: a request that changes data (POST, PUT, DELETE) came from another site's page (its Origin header names another host); scripts send none",
  not_revealed: '403: the debrief is hidden until the teacher reveals it',
  unknown_scenario: '400: an exercise names a scenario that is not in the library',
  invalid_submission: '400: a forecast or decision is missing or out of range (`path` names it)',
  name_taken: '409: someone in the class already uses this display name',
  class_full: '409: the exercise has as many students as it admits',
  deadline_passed: '409: submissions closed at the deadline; nothing was saved',
  already_revealed: '409: the exercise has been revealed; submissions are closed',
  reveal_in_progress: '409: the reveal is already running',
  submission_rate_limited: '429: too many submissions from one student in a minute (see Retry-After)',
} as const;

/** A 4xx or 503 the API answers on purpose. */
export class ApiError extends Error {
  /** How to put the request right, where the API can tell (see `ErrorBody.hint`). */
  hint?: string;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly path = '',
    /** Seconds a client should wait before trying again (503 and 429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
  path: string;
  /** How to fix the request, where the API or the engine can tell (a misspelt key, a sample count that is not a power of two). */
  hint?: string;
  /** Every problem found in a scenario, with line and column where known. */
  issues?: Issue[];
  requestId?: string;
}

/** The 414 for a URL longer than MAX_URL_CHARS, or with a part longer than any id the API issues. */
export function urlTooLong(): ApiError {
  const error = new ApiError(
    414,
    'url_too_long',
    'the URL, or a part of it (an id, say), is longer than any the API issues; check the link',
  );
  error.hint = `ids and file names are at most ${MAX_ID_CHARS} characters and URLs at most ${MAX_URL_CHARS.toLocaleString('en-US')}; a scenario document goes in the body of a POST`;
  return error;
}

/** An engine issue as a client may act on it: no hint to raise the trial-step budget, which is the server's. */
function forClient(i: Issue): Issue {
  return i.hint?.endsWith(RAISE_BUDGET) ? { ...i, hint: i.hint.slice(0, -RAISE_BUDGET.length) } : i;
}

/** The first error of a `GeoriskError` as `{code, message, path, hint}`, with every issue beside it. */
function georiskBody(error: GeoriskError): ErrorBody {
  const issues = error.issues.map(forClient);
  const first = issues.find((i) => i.severity === 'error') ?? issues[0];
  return {
    code: first?.code ?? 'invalid_value',
    message: first?.message ?? 'invalid scenario',
    path: first?.path ?? '',
    ...(first?.hint === undefined ? {} : { hint: first.hint }),
    issues,
  };
}

/** A dotted path into a request (`overrides.rate`, `metrics[0]`). */
function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Keys other tools use for a request's scenario document, which this API takes as `text`. */
const SCENARIO_TEXT_KEYS = new Set(['scenario', 'document', 'doc', 'yaml', 'json', 'source', 'body', 'content']);
const SCENARIO_TEXT_HINT =
  'a scenario goes in "scenarioId" (the id of a library or saved scenario) or in "text" (its YAML or JSON, as a string)';

/**
 * zod's first issue as `{code, message, path}`; the path is dotted (`overrides.rate`). An unknown
 * key is named in the path and the message, and, given the schema, the hint says the key it likely
 * meant or the keys allowed there.
 */
export function zodBody(error: z.ZodError, schema?: z.ZodType, input?: unknown): ErrorBody {
  // A misspelt key comes first: the missing key it was meant to be is then explained by it.
  const first = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  if (first?.code === 'unrecognized_keys' && first.keys.length > 0) {
    const key = first.keys[0] as string;
    const path = dotted([...first.path, key]);
    const more = first.keys.length > 1 ? ` (and ${first.keys.length - 1} more: ${first.keys.slice(1).join(', ')})` : '';
    const allowed = schema === undefined ? undefined : keysAt(schema, first.path);
    const near = allowed === undefined ? undefined : nearest(key, allowed);
    const hint =
      allowed === undefined
        ? undefined
        : allowed.includes('text') && SCENARIO_TEXT_KEYS.has(key.toLowerCase())
          ? SCENARIO_TEXT_HINT
          : near !== undefined
            ? `did you mean "${near}"?`
            : `allowed keys: ${allowed.join(', ')}`;
    return { code: 'invalid_request', message: `${path}: unknown key "${key}"${more}`, path, ...(hint === undefined ? {} : { hint }) };
  }
  const path = dotted(first?.path ?? []);
  if (first === undefined) return { code: 'invalid_request', message: 'invalid request', path };
  // A body that arrived as text (sent as YAML or text/plain) on a route that takes a JSON object:
  // "write key: value lines" would contradict a body that already is key: value lines.
  if (typeof input === 'string' && path === '') {
    return {
      code: 'invalid_request',
      message: 'body: this route takes a JSON object, and the body came as text (a YAML or text/plain content type)',
      path,
      hint: 'send it as JSON with Content-Type: application/json (only the scenario routes, POST /api/scenarios and /api/scenarios/validate, take a YAML document)',
    };
  }
  // In words with the fix, as a scenario's schema errors are ("trials: 0 is below the smallest allowed, 1");
  // a route's own refinement already says it in its words, and passes as it is.
  const [plain] = first.code === 'custom' ? [] : zodIssues(new z.ZodError([first]), input, schema ?? z.unknown(), REQUEST_KIND);
  return {
    code: 'invalid_request',
    message: `${path || 'body'}: ${plain?.message ?? first.message}`,
    path,
    ...(plain?.hint === undefined ? {} : { hint: plain.hint }),
  };
}

/** How schema messages name a request body (see `DocumentKind`). */
const REQUEST_KIND: DocumentKind = {
  name: 'request body',
  what: 'a request',
  keys: 'those its route lists at /api/docs',
  start: 'send a JSON object; /api/docs lists each route’s fields',
  json: true,
};

/** Fastify's own errors that are the client's fault, with stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'invalid_request',
  FST_ERR_HANDLER_TIMEOUT: 'timeout',
  FST_ERR_BAD_URL: 'invalid_url',
};

/**
 * Messages for fastify codes whose own message echoes the request (a 5,000-character id, say) or
 * names fastify's internals; the rest keep fastify's message, which is about the client's input.
 */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is larger than this server accepts',
  FST_ERR_BAD_URL: 'the URL holds an invalid percent-encoding; encode "%" as %25',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the body is not as long as its Content-Length header says',
};

/** Maps any thrown value to a status and body; the one place that decides what a client sees. */
export function errorReply(error: unknown, requestId: string): { status: number; body: ErrorBody; retryAfter?: number } {
  // The router's refusal of an over-long id (no web app's wildcard route to take it) is the URL check's 414.
  if ((error as Partial<FastifyError> | undefined)?.code === 'FST_ERR_MAX_PARAM_LENGTH') return errorReply(urlTooLong(), requestId);
  if (error instanceof ApiError) {
    return {
      status: error.statusCode,
      body: { code: error.code, message: error.message, path: error.path, ...(error.hint === undefined ? {} : { hint: error.hint }) },
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
    };
  }
  if (error instanceof GeoriskError) {
    // Every engine problem is the caller's: a bad document, or trials, seed or overrides out of range.
    return { status: 400, body: georiskBody(error) };
  }
  if (error instanceof z.ZodError) return { status: 400, body: zodBody(error) };
  const fe = error as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      (fe.code && FASTIFY_CODES[fe.code]) ?? (fe.statusCode === 429 ? 'rate_limited' : fe.code === undefined ? 'bad_request' : fe.code);
    // JSON syntax errors carry the parser's message, which is about the client's own input.
    const message = (fe.code && FASTIFY_MESSAGES[fe.code]) ?? fe.message ?? 'bad request';
    return {
      status: fe.statusCode,
      body: { code: fe.statusCode === 400 && /JSON/.test(message) ? 'invalid_json' : code, message, path: '' },
    };
  }
  return { status: 500, body: { code: 'internal_error', message: 'Internal Server Error', path: '', requestId } };
}

/**
 * The answer to a request Node's HTTP parser refused before fastify saw it (bad framing, headers too
 * large, a request that timed out), written on the socket in the same `{code, message, path}` shape.
 */
export function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'body_timeout', 'the request did not arrive in time; nothing was done']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request headers (URL included) are larger than this server accepts']
        : [400, 'bad_request', 'the request is not well-formed HTTP (request line, headers or body framing)'];
  const body = JSON.stringify({ code, message, path: '' } satisfies ErrorBody);
  const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** The root error handler: logs server faults in full, answers with `errorReply`. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, retryAfter } = errorReply(error, request.id);
  if (status >= 500 && !(error instanceof ApiError)) request.log.error({ err: error }, 'request failed');
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  // The rest of an unread body would be taken for the next request: close the connection after answering.
  if (body.code === 'body_timeout') reply.header('connection', 'close');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}
