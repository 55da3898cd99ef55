/**
 * The confirmation-mail outbox, one function per statement. Rows are created by the `jobs` trigger of migration
 * 005 in the transaction that ends a job with `notify_by_email`, so a mail is due exactly when the job really
 * ended. Senders on any number of servers claim due rows with SKIP LOCKED and push `next_attempt_at` past their
 * send timeout in the same statement: while one server sends, the others do not see the row as due. The claim is
 * renewed while the send lasts, and a claim is known by its row and `attempts` (each claim adds one), so a sender
 * whose claim lapsed and went to another changes nothing of the other's.
 */
import type { Queryable } from '../db/types.js';

export interface OutboxRow {
  id: string;
  job_id: string;
  recipient: string;
  locale: string;
  job_type: string;
  status: string;
  user_name: string;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  warnings: number;
  errors: number;
  error_code: string | null;
  attempts: number;
}

export async function claimDueMails(db: Queryable, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `
with due as (
  select id from mail_outbox
  where sent_at is null and given_up_at is null and next_attempt_at <= now()
  order by next_attempt_at, id
  limit $1::int
  for update skip locked
)
update mail_outbox m
set next_attempt_at = now() + $2::integer * interval '1 millisecond', attempts = m.attempts + 1
from due
where m.id = due.id
returning m.id, m.job_id, m.recipient, m.locale, m.job_type, m.status, m.user_name, m.created_at, m.started_at,
  m.ended_at, m.warnings, m.errors, m.error_code, m.attempts`,
    [limit, leaseMs],
  );
  return rows;
}

export async function markMailSent(db: Queryable, id: string): Promise<void> {
  await db.query(`update mail_outbox set sent_at = now(), last_error = null where id = $1::bigint`, [id]);
}

/** A claim of this sender's: the row, and its `attempts` as the claim left it. */
export type MailClaim = Pick<OutboxRow, 'id' | 'attempts'>;

/** Pushes the claims of mails still being sent `leaseMs` further, those not taken by another sender since. */
export async function renewMailClaims(db: Queryable, claims: MailClaim[], leaseMs: number): Promise<void> {
  await db.query(
    `
update mail_outbox m
set next_attempt_at = now() + $3::integer * interval '1 millisecond'
from unnest($1::bigint[], $2::integer[]) as c(id, attempts)
where m.id = c.id and m.attempts = c.attempts and m.sent_at is null`,
    [claims.map((claim) => claim.id), claims.map((claim) => claim.attempts), leaseMs],
  );
}

export async function markMailFailed(db: Queryable, claim: MailClaim, error: string, retryInMs: number): Promise<void> {
  await db.query(
    `
update mail_outbox
set last_error = $3::text, next_attempt_at = now() + $4::integer * interval '1 millisecond'
where id = $1::bigint and attempts = $2::integer and sent_at is null`,
    [claim.id, claim.attempts, error.slice(0, 1000), Math.round(retryInMs)],
  );
}

/** The SMTP server refused this mail for good: it is not sent again. */
export async function markMailGivenUp(db: Queryable, claim: MailClaim, error: string): Promise<void> {
  await db.query(
    `
update mail_outbox set last_error = $3::text, given_up_at = now()
where id = $1::bigint and attempts = $2::integer and sent_at is null`,
    [claim.id, claim.attempts, error.slice(0, 1000)],
  );
}

/** When the next unsent mail is due, in milliseconds from now (0 if overdue), or null if none waits. */
export async function nextMailDueInMs(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ wait_ms: number | null }>(
    `
select greatest(0, extract(epoch from (min(next_attempt_at) - now())) * 1000)::float8 as wait_ms
from mail_outbox where sent_at is null and given_up_at is null`,
  );
  return rows[0]?.wait_ms ?? null;
}
