/**
 * Stream tokens: short-lived, signed credentials for `GET /events?token=` (the browser's EventSource cannot send
 * an Authorization header). Stateless: the caller's identity and permissions travel in the token under an HMAC,
 * so any server sharing the secret accepts it without a database round trip. They open the stream only, and only
 * until they expire; a stream opened with one stays open.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../auth/types.js';

export interface StreamTokens {
  issue(principal: Principal): { token: string; expiresAt: string };
  /** The principal the token was issued to, or null if it is forged, malformed or expired. */
  verify(token: string): Principal | null;
}

const prefix = 'st_';

/**
 * `secret`: shared by every server of a deployment (env `STREAM_TOKEN_SECRET`); when omitted, a random one, so
 * tokens work only on the process that issued them.
 */
export function streamTokens(options: { secret?: string; ttlMs?: number; now?: () => number } = {}): StreamTokens {
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const sign = (payload: string) => createHmac('sha256', `stream-token:${secret}`).update(payload).digest();

  return {
    issue(principal) {
      const expires = now() + ttlMs;
      const { id, name, email, locale, permissions } = principal;
      const payload = Buffer.from(JSON.stringify({ p: { id, name, email, locale, permissions }, e: expires })).toString(
        'base64url',
      );
      return {
        token: `${prefix}${payload}.${sign(payload).toString('base64url')}`,
        expiresAt: new Date(expires).toISOString(),
      };
    },
    verify(token) {
      if (!token.startsWith(prefix)) return null;
      const parts = token.slice(prefix.length).split('.');
      if (parts.length !== 2) return null;
      const [payload, signature] = parts as [string, string];
      // Compared as issued: base64url decoding skips stray characters (padding, a suffix), so one token had variants.
      const expected = Buffer.from(sign(payload).toString('base64url'));
      const given = Buffer.from(signature);
      if (!payload || given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const { p, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p: Principal; e: number };
        return typeof e === 'number' && e > now() ? p : null;
      } catch {
        return null;
      }
    },
  };
}
