import type { components } from '../../sdk/generated/openapi.js';

export type Permission = components['schemas']['Permission'];
export type User = components['schemas']['User'];

/** The authenticated caller. */
export interface Principal extends User {
  permissions: Permission[];
}

/**
 * Pluggable authentication: given the request, the caller, or null when it carries no valid credentials (401).
 * A host plugs its own session check here.
 */
export type AuthFunction = (request: Request) => Promise<Principal | null>;

/** The users the tracker's user filter offers (`GET /users`). */
export interface UserDirectory {
  search(text: string | undefined, limit: number): Promise<User[]>;
}
