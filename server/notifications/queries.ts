/**
 * End-of-job notifications. Rows are created by the `jobs` trigger of migration 005 when a job ends (so exactly
 * once per job, in the transaction that ends it); this module reads them and marks them read.
 */
import type { components } from '../../sdk/generated/openapi.js';
import type { Queryable } from '../db/types.js';
import type { Locale } from '../http/locale.js';
import type { JobTypeRegistry } from '../http/registry.js';

export type Notification = components['schemas']['Notification'];

export interface NotificationRow {
  id: string;
  user_id: string;
  job_id: string;
  job_type: string;
  status: string;
  warnings: number;
  errors: number;
  created_at: Date;
  read_at: Date | null;
}

export function toNotification(row: NotificationRow, registry: JobTypeRegistry, locale: Locale): Notification {
  return {
    id: row.id,
    jobId: row.job_id,
    jobType: row.job_type,
    typeLabel: registry.label(row.job_type, locale),
    status: row.status,
    warnings: row.warnings,
    errors: row.errors,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at ? row.read_at.toISOString() : null,
  };
}

/** A user's notifications, newest first, after the notification `beforeId` (keyset on the ID). */
export async function listNotifications(
  db: Queryable,
  userId: string,
  page: { unreadOnly: boolean; beforeId: string | null; limit: number },
): Promise<NotificationRow[]> {
  const { rows } = await db.query<NotificationRow>(
    `
select * from notifications
where user_id = $1::text
  and ($2::boolean is not true or read_at is null)
  and ($3::bigint is null or id < $3::bigint)
order by id desc
limit $4::int`,
    [userId, page.unreadOnly, page.beforeId, page.limit],
  );
  return rows;
}

export async function countUnread(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `select count(*)::int as count from notifications where user_id = $1::text and read_at is null`,
    [userId],
  );
  return rows[0]?.count ?? 0;
}

/** Marks one of the user's notifications read (keeping the first read time); null if it is not theirs. */
export async function markRead(db: Queryable, userId: string, id: string): Promise<NotificationRow | null> {
  const { rows } = await db.query<NotificationRow>(
    `
update notifications set read_at = coalesce(read_at, now())
where id = $1::bigint and user_id = $2::text
returning *`,
    [id, userId],
  );
  return rows[0] ?? null;
}

export async function markAllRead(db: Queryable, userId: string): Promise<number> {
  const { affectedRows } = await db.query(
    `update notifications set read_at = now() where user_id = $1::text and read_at is null`,
    [userId],
  );
  return affectedRows;
}

export async function notificationsByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, NotificationRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<NotificationRow>(`select * from notifications where id = any($1::bigint[])`, [ids]);
  return new Map(rows.map((row) => [row.id, row]));
}
