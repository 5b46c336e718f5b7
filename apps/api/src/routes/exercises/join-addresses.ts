/** Where students' devices can reach this server: the addresses it listens on, for the join panel the teacher projects. */
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';

/** The join page's addresses, and whether the server listens on this computer only (students cannot reach it). */
export interface JoinAddresses {
  urls: string[];
  loopbackOnly: boolean;
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The join URLs of a server listening as `app` does; none (and not loopback-only) before it listens, as under inject. */
export function joinAddresses(app: FastifyInstance): JoinAddresses {
  const address = app.server.address();
  if (address === null || typeof address === 'string') return { urls: [], loopbackOnly: false };
  if (LOOPBACK.test(address.address)) return { urls: [], loopbackOnly: true };
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const hosts = wildcard
    ? Object.values(networkInterfaces())
        .flat()
        .filter((i) => i !== undefined && !i.internal && (i.family === 'IPv4' || address.address === '::'))
        .map((i) => (i?.family === 'IPv6' ? `[${i.address}]` : (i?.address as string)))
    : [address.family === 'IPv6' ? `[${address.address}]` : address.address];
  return { urls: hosts.slice(0, 8).map((h) => `http://${h}:${address.port}/#/join`), loopbackOnly: false };
}
