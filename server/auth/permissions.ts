/**
 * Every permission rule of the API, in one place (SPEC §2.3). Routes ask these questions and nothing else.
 *
 * - `jobs:read:own` (everyone): see and act on one's own jobs.
 * - `jobs:open:any`: open any job by ID (detail, report, messages, artifacts), but not list others'.
 * - `jobs:read:any`: list and filter everyone's jobs, and the users.
 * - `jobs:manage:any`: requeue, interrupt and delete others' jobs.
 *
 * A job the caller may not see answers 404 (no existence leak); one they may see but not act on answers 403.
 */
import type { Permission, Principal } from './types.js';

const has = (principal: Principal, permission: Permission) => principal.permissions.includes(permission);

export function canListEveryone(principal: Principal): boolean {
  return has(principal, 'jobs:read:any');
}

/** The owners a list may show: null means anyone (subject to the filter), otherwise exactly these. */
export function listScope(principal: Principal, requestedUsers: readonly string[] | undefined): string[] | null {
  if (canListEveryone(principal)) return requestedUsers ? [...requestedUsers] : null;
  return [principal.id];
}

/** Whether the requested user filter names someone the caller may not list (a 403, not an empty page). */
export function asksForOthers(principal: Principal, requestedUsers: readonly string[] | undefined): boolean {
  return !canListEveryone(principal) && (requestedUsers ?? []).some((id) => id !== principal.id);
}

export function canSee(principal: Principal, ownerId: string): boolean {
  return (
    ownerId === principal.id ||
    has(principal, 'jobs:open:any') ||
    has(principal, 'jobs:read:any') ||
    has(principal, 'jobs:manage:any')
  );
}

export function canAct(principal: Principal, ownerId: string): boolean {
  return ownerId === principal.id || has(principal, 'jobs:manage:any');
}

export function canListUsers(principal: Principal): boolean {
  return has(principal, 'jobs:read:any');
}
