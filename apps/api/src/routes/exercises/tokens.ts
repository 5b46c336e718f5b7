/** Secrets of the classroom: teacher and student tokens (only their hashes are stored), join codes, and reading a bearer token. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../../errors.ts';

/** Join codes: no 0/O, 1/I/L, so a code read off a projector is typed right. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

/** The hex SHA-256 of a token, as stored. */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** 256 random bits, URL-safe. */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** A random join code of CODE_LENGTH characters from CODE_ALPHABET. */
export function newJoinCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  // 256 is not a multiple of 31, but the bias (under 1%) costs nothing here: the code is not a secret.
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The bearer token of a request, or a 401 that says how to send one. */
export function bearer(request: FastifyRequest, who: 'teacher' | 'student' | 'any'): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header.trim()) : null;
  const token = match?.[1];
  if (token === undefined) {
    const what =
      who === 'teacher'
        ? "the teacher link's token"
        : who === 'student'
          ? 'the token you got when you joined'
          : 'a teacher or student token';
    throw new ApiError(401, 'unauthorized', `this route needs ${what} as "Authorization: Bearer <token>"`, 'headers.authorization');
  }
  return token;
}
