/**
 * End-of-job notifications. The `jobs` trigger of migration 005 stores them when jobs end (so exactly once per job,
 * in the transaction that ends it), one row per user and statement with an element per job; this module reads
 * them one notification at a time and marks them read.
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

/** Notifications per stored row stay below this, so `row id × stride + position` orders them. */
const stride = 1_000_000n;

/** Splits a public notification ID into its row and position, or null if it cannot name one. */
function locate(id: string): { row: string; position: number } | null {
  if (!/^[1-9][0-9]{0,17}$/.test(id)) return null;
  const value = BigInt(id);
  const position = Number(value % stride);
  return position === 0 ? null : { row: (value / stride).toString(), position };
}

const unpacked = `
select (n.id * ${stride} + u.position)::text as id, n.user_id, u.job_id::text as job_id, u.job_type, u.status,
  u.warnings, u.errors, u.ended_at as created_at, u.read_at
from notifications n
cross join lateral unnest(n.job_ids, n.job_types, n.statuses, n.warnings, n.errors, n.ended_ats, n.read_ats)
  with ordinality as u(job_id, job_type, status, warnings, errors, ended_at, read_at, position)`;

/**
 * A deleted job's notification is left in its row (its arrays hold the other jobs that ended with it) but no longer
 * shown or counted: its link would only answer 404.
 */
const jobStillThere = `exists (select 1 from jobs j where j.id = u.job_id)`;

/** A user's notifications, newest first, after the notification `beforeId` (keyset on the ID). */
export async function listNotifications(
  db: Queryable,
  userId: string,
  page: { unreadOnly: boolean; beforeId: string | null; limit: number },
): Promise<NotificationRow[]> {
  const { rows } = await db.query<NotificationRow>(
    `${unpacked}
where n.user_id = $1::text
  and ($2::boolean is not true or (n.unread > 0 and u.read_at is null))
  and ($3::bigint is null or (n.id <= $3::bigint / ${stride} and n.id * ${stride} + u.position < $3::bigint))
  and ${jobStillThere}
order by n.id desc, u.position desc
limit $4::int`,
    [userId, page.unreadOnly, page.beforeId, page.limit],
  );
  return rows;
}

export async function countUnread(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    `
select count(*)::int as count
from notifications n cross join lateral unnest(n.job_ids, n.read_ats) as u(job_id, read_at)
where n.user_id = $1::text and n.unread > 0 and u.read_at is null and ${jobStillThere}`,
    [userId],
  );
  return rows[0]?.count ?? 0;
}

/** Marks one of the user's notifications read (keeping the first read time); null if it is not theirs. */
export async function markRead(db: Queryable, userId: string, id: string): Promise<NotificationRow | null> {
  const where = locate(id);
  if (!where) return null;
  await db.query(
    `
update notifications set read_ats[$3::int] = now(), unread = unread - 1
where id = $1::bigint and user_id = $2::text and $3::int between 1 and size and read_ats[$3::int] is null
  and exists (select 1 from jobs j where j.id = job_ids[$3::int])`,
    [where.row, userId, where.position],
  );
  const { rows } = await db.query<NotificationRow>(
    `${unpacked}
where n.id = $1::bigint and n.user_id = $2::text and u.position = $3::int and ${jobStillThere}`,
    [where.row, userId, where.position],
  );
  return rows[0] ?? null;
}

export async function markAllRead(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ marked: number }>(
    `
with target as (
  select id, job_ids, read_ats from notifications where user_id = $1::text and unread > 0 for update
), updated as (
  update notifications n
  set read_ats = array(select coalesce(r, now()) from unnest(n.read_ats) with ordinality as a(r, i) order by i),
    unread = 0
  from target t
  where n.id = t.id
  returning (
    select count(*) from unnest(t.job_ids, t.read_ats) as u(job_id, read_at) where u.read_at is null and ${jobStillThere}
  ) as unread
)
select coalesce(sum(unread), 0)::int as marked from updated`,
    [userId],
  );
  return rows[0]?.marked ?? 0;
}

export async function notificationsByIds(db: Queryable, ids: readonly string[]): Promise<Map<string, NotificationRow>> {
  const located = ids.map(locate).filter((where) => where !== null);
  if (located.length === 0) return new Map();
  const { rows } = await db.query<NotificationRow>(
    `${unpacked}
where n.id = any($1::bigint[]) and (n.id * ${stride} + u.position)::text = any($2::text[])`,
    [[...new Set(located.map((where) => where.row))], ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}
