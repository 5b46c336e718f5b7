/**
 * The server's limits on what clients may ask of it: load shedding (503 `overloaded`), requests per
 * address (429 `rate_limited`, tighter on the simulation routes), the URL's length (414 `url_too_long`)
 * and jobs of every kind per address (429 `too_many_jobs`). The body size limit is Fastify's own
 * option, set from DEFAULT_BODY_LIMIT.
 */
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, urlTooLong } from '../errors.ts';
import { MAX_ID_CHARS, MAX_URL_CHARS } from '../schemas.ts';

/** Default body limit: a scenario document of MAX_DOCUMENT_CHARS plus its JSON envelope. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** Requests per address and window, for all routes and for the simulation routes. */
export interface RateLimitOptions {
  max: number;
  simulationMax: number;
  timeWindowMs: number;
}

/** When to shed load: event loop lag or heap size. */
export interface PressureOptions {
  maxEventLoopDelayMs: number;
  maxHeapUsedBytes: number;
  sampleIntervalMs?: number | undefined;
}

export interface LimitsOptions {
  /** false turns rate limiting off. */
  rateLimit?: RateLimitOptions | false | undefined;
  /** false turns load shedding off. */
  pressure?: PressureOptions | false | undefined;
}

const limits: FastifyPluginAsync<LimitsOptions> = async (app, options) => {
  if (options.pressure !== false) {
    // Simulations never block the event loop, so lag or a swollen heap here means trouble: shed load early.
    const pressure = options.pressure ?? { maxEventLoopDelayMs: 1000, maxHeapUsedBytes: 2 * 1024 ** 3 };
    await app.register(underPressure, {
      maxEventLoopDelay: pressure.maxEventLoopDelayMs,
      maxHeapUsedBytes: pressure.maxHeapUsedBytes,
      ...(pressure.sampleIntervalMs === undefined ? {} : { sampleInterval: pressure.sampleIntervalMs }),
      pressureHandler: async (_request, _reply, type) => {
        throw new ApiError(503, 'overloaded', `the server is overloaded (${type}); try again shortly`, '', 5);
      },
    });
  }
  // A request whose connection is gone before its hooks run (a malformed chunked body) has no
  // address; the per-address limits below need one (the rate limiter threw on it and logged a stack).
  app.addHook('onRequest', async (request) => {
    if (request.ip === undefined)
      throw new ApiError(400, 'bad_request', 'the request has no client address: its connection is already closed');
  });
  // Another site's page may make a browser send requests here, with this server's cookies and
  // network position, but it must not change anything: a request that changes state and names
  // another origin is refused (a form posting YAML as text/plain needs no preflight). Scripts and
  // curl send no Origin header; the web app sends its own.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const origin = request.headers.origin;
    if (origin === undefined || sameHost(origin, request.headers.host)) return;
    const error = new ApiError(403, 'cross_origin', `a request from the page at ${origin.slice(0, 200)} may not change this server's data`);
    error.hint = "use the server's own web app, or send the request from a script or curl (without an Origin header)";
    throw error;
  });
  if (options.rateLimit !== false) {
    const limits = options.rateLimit ?? { max: 600, simulationMax: 60, timeWindowMs: 60_000 };
    await app.register(rateLimit, {
      max: limits.max,
      timeWindow: limits.timeWindowMs,
      errorResponseBuilder: (_request, context) => new ApiError(429, 'rate_limited', `rate limit exceeded, retry in ${context.after}`),
    });
  }
  // A hook, not the router's maxParamLength alone: the web app's wildcard route would take an over-long
  // id (and fastify-static answer its own 403 once a part passes the file system's name limit).
  app.addHook('onRequest', async (request) => checkUrlLength(request.url));
};

/** Whether an Origin header names the host the request was sent to ("null", from a sandboxed page, names none). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** 414 `url_too_long` for a URL over MAX_URL_CHARS, or with a part (an id, a file name) over MAX_ID_CHARS. */
export function checkUrlLength(url: string): void {
  if (url.length > MAX_URL_CHARS) throw urlTooLong();
  const path = url.split('?', 1)[0] ?? '';
  if (path.split('/').some((part) => part.length > MAX_ID_CHARS)) throw urlTooLong();
}

/** Load shedding and rate limits, for the whole app (not encapsulated). */
export const limitsPlugin = fp(limits, { name: 'georisk-limits' });

/** The route config of a simulation route. */
export interface SimulationRouteConfig {
  rateLimit?: { max: number; timeWindow: number };
}

/** The simulation routes get a tighter limit than reads: each request can cost seconds of CPU. */
export function simulationRouteConfig(rateLimit: RateLimitOptions | false | undefined): SimulationRouteConfig {
  return rateLimit === false ? {} : { rateLimit: { max: rateLimit?.simulationMax ?? 60, timeWindow: rateLimit?.timeWindowMs ?? 60_000 } };
}

/** Rate limits count requests, not CPU: a per-address cap keeps one client from taking every slot of the pool. */
export class JobsPerClient {
  private readonly running = new Map<string, number>();

  /** `max` jobs at once per address; false turns the cap off. */
  constructor(private readonly max: number | false) {}

  /** Runs `work` as one of the address's jobs; 429 `too_many_jobs` when it already has `max`. */
  async run<T>(ip: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(ip);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * Takes one of the address's job slots until the returned function is called (background jobs);
   * 429 `too_many_jobs` when it already has `max`. `force` takes it anyway (a job resumed after a restart).
   */
  acquire(ip: string, force = false): () => void {
    const running = this.running.get(ip) ?? 0;
    if (!force && this.max !== false && running >= this.max) {
      throw new ApiError(
        429,
        'too_many_jobs',
        `this address already has ${running} jobs running (runs, exact analyses, sweeps, sensitivity analyses, reveals count alike); wait for one to finish`,
        '',
        5,
      );
    }
    this.running.set(ip, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(ip) ?? 1) - 1;
      if (left <= 0) this.running.delete(ip);
      else this.running.set(ip, left);
    };
  }
}
