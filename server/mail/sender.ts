/**
 * Sends the confirmation mails of the outbox over SMTP (nodemailer). Runs in any number of server processes: it
 * wakes on NOTIFY `mail_outbox` (a job with `notifyByEmail` ended, on any host), at the time of the next retry, and
 * on a slow poll. A failing SMTP server is retried with exponential backoff (kept in the table, so a restart does
 * not reset it); a mail it refuses for good is given up (`isRefusedForGood`). The job itself was ended long before
 * and is never touched.
 */

import type { Transporter } from 'nodemailer';
import nodemailer from 'nodemailer';
import type { Db } from '../db/types.js';
import { JobTypeRegistry } from '../http/registry.js';
import type { JobTypeDefinition } from '../queue/types.js';
import {
  claimDueMails,
  markMailFailed,
  markMailGivenUp,
  markMailSent,
  nextMailDueInMs,
  type OutboxRow,
  renewMailClaims,
} from './outbox.js';
import { mailLocale, renderMail } from './templates.js';

export const mailOutboxChannel = 'mail_outbox';

export interface MailSenderOptions {
  db: Db;
  jobTypes: readonly JobTypeDefinition[];
  /** `smtp://user:pass@host:port` (env `SMTP_URL`), or a ready nodemailer transport. */
  smtp: string | Transporter;
  /** The sender address (env `MAIL_FROM`). */
  from: string;
  /** Where the app is served (env `PUBLIC_URL`); the report link is built from it. */
  publicUrl: string;
  /** The report page of a job. Default `${publicUrl}/jobs/${jobId}`. */
  reportUrl?: (jobId: string) => string;
  /** Backoff of a failed send: `baseMs × 2^(attempt-1)` up to `maxMs`, ±20 % jitter. Default 5 s and 10 min. */
  retry?: { baseMs?: number; maxMs?: number };
  /** How long one send may take; the claim lasts twice this. Default 30 s. */
  sendTimeoutMs?: number;
  /** Look for due mails at least this often. Default 30 s. */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Whether the SMTP server refused this mail for good: a 5xx answer to its recipient or to its content. A 5xx to
 * anything else (authentication, the sender address) is about this sender's settings, and is retried.
 */
export function isRefusedForGood(error: unknown): boolean {
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  return (
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    typeof command === 'string' &&
    /^(RCPT|DATA)\b/i.test(command)
  );
}

/**
 * One plain address (`local@domain`): no display name, list, comment, quote, space or control character. The
 * recipient comes from the host's user directory; nodemailer reads a string as an address list, so a recipient
 * holding a comma or a line break was sent to whichever addresses it parsed out of it (`a@x\r\nBcc: b@y` went to
 * b@y alone), and an empty one failed locally on every retry, for ever.
 */
const singleAddress = /^[^\s\p{Cc}@<>()[\]\\,;:"]+@[^\s\p{Cc}@<>()[\]\\,;:"]+$/u;

export interface MailSender {
  /** Sends what is due now; resolves when done. */
  flush(): Promise<void>;
  /**
   * Sends nothing more. Waits for a send in progress, at most `graceMs` (default: until its own timeout): one still
   * going on then is left to its claim, and sent again by the next sender after the claim's lease.
   */
  stop(graceMs?: number): Promise<void>;
}

export async function startMailSender(options: MailSenderOptions): Promise<MailSender> {
  const { db } = options;
  const registry = new JobTypeRegistry(options.jobTypes);
  const sendTimeoutMs = options.sendTimeoutMs ?? 30_000;
  const transport =
    typeof options.smtp === 'string'
      ? nodemailer.createTransport({
          url: options.smtp,
          connectionTimeout: sendTimeoutMs,
          greetingTimeout: sendTimeoutMs,
          socketTimeout: sendTimeoutMs,
        })
      : options.smtp;
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const reportUrl = options.reportUrl ?? ((jobId: string) => `${publicUrl}/jobs/${encodeURIComponent(jobId)}`);
  const messageIdHost = new URL(publicUrl).hostname || 'localhost';
  const baseMs = options.retry?.baseMs ?? 5_000;
  const maxMs = options.retry?.maxMs ?? 600_000;
  const pollMs = options.pollMs ?? 30_000;
  const onError = options.onError ?? ((error) => console.error('mail outbox:', error));

  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const backoff = (attempt: number) => {
    const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return delay * (0.8 + Math.random() * 0.4);
  };

  async function send(row: OutboxRow): Promise<void> {
    if (!singleAddress.test(row.recipient)) {
      const reason = `The recipient ${JSON.stringify(row.recipient)} is not one e-mail address.`;
      await markMailGivenUp(db, row, reason);
      throw new Error(`${reason} The mail of job ${row.job_id} was given up.`);
    }
    const locale = mailLocale(row);
    const mail = renderMail(row, registry.label(row.job_type, locale), reportUrl(row.job_id));
    try {
      await transport.sendMail({
        from: options.from,
        // An address object is taken as it is, never parsed as a list.
        to: { name: row.user_name, address: row.recipient },
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // One ID per job: should a send be repeated after a crash, mail clients can tell it is the same message.
        messageId: `<job-${row.job_id}@${messageIdHost}>`,
        headers: { 'Content-Language': locale },
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isRefusedForGood(error)) await markMailGivenUp(db, row, reason);
      else await markMailFailed(db, row, reason, backoff(row.attempts));
      throw error;
    }
    await markMailSent(db, row.id);
  }

  /** Sends the claimed mails, renewing their claim while the SMTP server takes its time: no other sender takes one. */
  async function sendClaimed(rows: OutboxRow[]): Promise<void> {
    const sending = new Set(rows);
    const renewal = setInterval(() => {
      renewMailClaims(db, [...sending], sendTimeoutMs * 2).catch(onError);
    }, sendTimeoutMs);
    try {
      const results = await Promise.allSettled(rows.map((row) => send(row).finally(() => sending.delete(row))));
      for (const result of results) if (result.status === 'rejected') onError(result.reason);
    } finally {
      clearInterval(renewal);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (;;) {
        const rows = await claimDueMails(db, 10, sendTimeoutMs * 2);
        if (rows.length === 0 || stopped) break;
        await sendClaimed(rows);
      }
    } while (again && !stopped);
    const dueInMs = await nextMailDueInMs(db);
    schedule(dueInMs === null ? pollMs : Math.min(pollMs, Math.max(10, dueInMs)));
  }

  function flush(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((error) => {
        onError(error);
        schedule(pollMs);
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(() => void flush(), delayMs);
    timer.unref();
  }

  const unlisten = await db.listen(mailOutboxChannel, () => void flush());
  void flush();

  return {
    flush,
    async stop(graceMs = Number.POSITIVE_INFINITY) {
      stopped = true;
      clearTimeout(timer);
      if (running && Number.isFinite(graceMs)) {
        let graceTimer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<void>((done) => {
          graceTimer = setTimeout(done, graceMs);
        });
        await Promise.race([running, graceOver]);
        clearTimeout(graceTimer);
      } else {
        await running;
      }
      await unlisten();
      if (typeof options.smtp === 'string') transport.close();
    },
  };
}
