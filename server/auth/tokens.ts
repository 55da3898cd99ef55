/**
 * The default authentication: bearer tokens (or the same token in the `job_session` cookie) read from a JSON file
 * of users. Good for the demo and for tests; a host replaces it with its own `AuthFunction`.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AuthFunction, Permission, Principal, User, UserDirectory } from './types.js';

export interface ConfiguredUser extends Principal {
  token: string;
}

const permissions: readonly Permission[] = ['jobs:read:own', 'jobs:open:any', 'jobs:read:any', 'jobs:manage:any'];

export const defaultUsersFile = new URL('../config/users.json', import.meta.url);

/** Reads and checks a users file: `{ "users": [{ id, name, email, locale, permissions, token }] }`. */
export async function loadUsers(file: string | URL = defaultUsersFile): Promise<ConfiguredUser[]> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as { users?: unknown };
  if (!Array.isArray(parsed.users)) throw new Error(`${file}: expected { "users": [...] }`);
  return parsed.users.map((user: Partial<ConfiguredUser>, index) => {
    const where = `${file}: users[${index}]`;
    for (const field of ['id', 'name', 'locale', 'token'] as const) {
      if (typeof user[field] !== 'string' || user[field] === '') throw new Error(`${where}.${field} must be a string`);
    }
    if (!Array.isArray(user.permissions) || !user.permissions.every((p) => permissions.includes(p))) {
      throw new Error(`${where}.permissions must list some of ${permissions.join(', ')}`);
    }
    return { ...user, email: user.email ?? null } as ConfiguredUser;
  });
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A browser attaches cookies to cross-site requests too, so a cookie only counts for a change (POST, DELETE)
 * when the request comes from the API's own origin: otherwise any site could interrupt or delete jobs (CSRF).
 */
function isCrossSiteChange(request: Request): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const origin = request.headers.get('origin');
  if (!origin) return request.headers.get('sec-fetch-site') === 'cross-site';
  const host = request.headers.get('host') ?? new URL(request.url).host;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

function tokenOf(request: Request): string | null {
  const authorization = request.headers.get('authorization');
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return bearer;
  if (isCrossSiteChange(request)) return null;
  const cookie = request.headers.get('cookie');
  const session = cookie?.match(/(?:^|;\s*)job_session=([^;]+)/)?.[1];
  if (!session) return null;
  try {
    return decodeURIComponent(session);
  } catch {
    // A stray `%` (say, a cookie of the same name set by another app on the domain) is no token, not a 500.
    return null;
  }
}

export function tokenAuth(users: readonly ConfiguredUser[]): AuthFunction {
  return async (request) => {
    const token = tokenOf(request);
    const user = token ? users.find((candidate) => sameToken(candidate.token, token)) : undefined;
    if (!user) return null;
    const { token: _secret, ...principal } = user;
    return principal;
  };
}

function publicUser({ id, name, email, locale }: User): User {
  return { id, name, email, locale };
}

export function staticDirectory(users: readonly User[]): UserDirectory {
  return {
    async search(text, limit) {
      const needle = text?.toLowerCase() ?? '';
      return users
        .filter((u) => [u.id, u.name, u.email ?? ''].some((field) => field.toLowerCase().includes(needle)))
        .sort((a, b) => a.name.localeCompare(b.name))
        .slice(0, limit)
        .map(publicUser);
    },
  };
}
