/**
 * The confirmation mail against a real SMTP server in-process (smtp-server), parsed with mailparser: one mail per
 * job that asked for it, to the owner, in their language; none otherwise; retried until the SMTP server is back,
 * without touching the job; exactly once with two senders.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { openDb } from '../../server/db/index.js';
import type { Db } from '../../server/db/types.js';
import { type MailSender, startMailSender } from '../../server/mail/sender.js';
import { startWorker, type Worker } from '../../server/queue/worker.js';
import { dbKinds, openTestDb, testDatabaseUrl } from '../support/db.js';
import { bearer, jobType, type LiveWorld, liveWorld, type UserName } from './events-support.js';

class Inbox {
  readonly mails: ParsedMail[] = [];
  readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (address, _session, done) => {
      if (!address.address.startsWith('nobody@')) return done();
      done(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
    },
    onData: (stream, _session, done) => {
      simpleParser(stream).then(
        (mail) => {
          this.mails.push(mail);
          done();
        },
        (error: Error) => done(error),
      );
    },
  });

  listen(port: number): Promise<void> {
    return new Promise((resolve) => this.server.listen(port, '127.0.0.1', () => resolve()));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const jobTypes = [
  jobType('checked', async (context) => {
    await context.warn('row 3 has no price', { row: 3 });
    await context.warn('row 9 has no price', { row: 9 });
  }),
  jobType('secretive', async () => {}, {
    paramsSchema: { type: 'object', properties: { password: { type: 'string', writeOnly: true, title: 'Password' } } },
  }),
];

for (const kind of dbKinds) {
  describe(`confirmation mail (${kind})`, () => {
    let db: Db;
    let world: LiveWorld;
    let worker: Worker;
    let port: number;
    const inbox = new Inbox();
    const senders: MailSender[] = [];
    const extraDbs: Db[] = [];

    const launch = async (user: UserName, type: string, notifyByEmail: boolean, params = {}) => {
      const response = await world.fetch('http://localhost/api/jobs', {
        method: 'POST',
        headers: { ...bearer(user), 'content-type': 'application/json' },
        body: JSON.stringify({ type, params, notifyByEmail }),
      });
      assert.equal(response.status, 202);
      return ((await response.json()) as { id: string }).id;
    };
    const outbox = async () =>
      (
        await db.query<{ job_id: string; sent_at: Date | null; attempts: number; last_error: string | null }>(
          `select job_id, sent_at, attempts, last_error from mail_outbox order by id`,
        )
      ).rows;
    const sender = async (onDb: Db) => {
      const started = await startMailSender({
        db: onDb,
        jobTypes,
        smtp: `smtp://127.0.0.1:${port}`,
        from: 'Job tracker <jobs@example.com>',
        publicUrl: 'https://jobs.example.com/app/',
        retry: { baseMs: 40, maxMs: 200 },
        sendTimeoutMs: 2000,
        pollMs: 1000,
        onError: () => {},
      });
      senders.push(started);
      return started;
    };

    before(async () => {
      db = await openTestDb(kind);
      world = await liveWorld(db, jobTypes);
      worker = startWorker({ db, jobTypes, onError: () => {} });
      port = await freePort();
    });
    after(async () => {
      for (const started of senders) await started.stop();
      await worker.stop();
      await world.close();
      for (const extra of extraDbs) await extra.close();
      await db.close();
      await inbox.close();
    });

    test('SMTP down for a while: the mail arrives once it is back, and the job was never affected', async () => {
      await sender(db);
      const jobId = await launch('alice', 'checked', true);
      await until(async () => ((await outbox())[0]?.attempts ?? 0) >= 2, 'two failed attempts');
      const [pending] = await outbox();
      assert.equal(pending!.sent_at, null);
      assert.ok(pending!.last_error);
      const job = (await db.query<{ status: string }>(`select status from jobs where id = $1::bigint`, [jobId]))
        .rows[0]!;
      assert.equal(job.status, 'succeeded');

      await inbox.listen(port);
      await until(() => inbox.mails.length === 1, 'the mail');
      await until(async () => (await outbox())[0]?.sent_at !== null, 'the mail marked sent');
      await senders[0]!.flush();
      assert.equal(inbox.mails.length, 1);
    });

    test('one mail per job, to the owner, in their language, with status, times, counts and the report link', async () => {
      inbox.mails.length = 0;
      const english = await launch('alice', 'checked', true);
      const french = await launch('bob', 'checked', true);
      const none = await launch('alice', 'checked', false);
      const secret = await launch('carol', 'secretive', true, { password: 'hunter2-very-secret' });
      await until(() => inbox.mails.length === 3, 'three mails');
      await until(async () => (await outbox()).every((row) => row.sent_at !== null), 'all marked sent');
      await until(
        async () =>
          (await db.query(`select 1 from jobs where id = $1::bigint and status = 'succeeded'`, [none])).rows.length ===
          1,
        'the job without mail to end',
      );
      await senders[0]!.flush();
      assert.equal(inbox.mails.length, 3);
      assert.ok(!(await outbox()).some((row) => row.job_id === none), 'no mail queued without the option');

      const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0]!.address;
      const byJob = (id: string) => inbox.mails.find((mail) => mail.messageId === `<job-${id}@jobs.example.com>`)!;

      const en = byJob(english);
      assert.equal(to(en), 'alice@example.com');
      assert.equal(en.subject, `checked (en) #${english} succeeded`);
      assert.match(en.text!, /Status: succeeded/);
      assert.match(en.text!, /Warnings: 2/);
      assert.match(en.text!, /Errors: 0/);
      assert.match(en.text!, /Queued: .+ UTC/);
      assert.match(en.text!, /Started: .+ UTC/);
      assert.match(en.text!, /Ended: .+ UTC/);
      assert.ok(en.text!.includes(`https://jobs.example.com/app/jobs/${english}`));
      assert.ok(en.html && String(en.html).includes(`href="https://jobs.example.com/app/jobs/${english}"`));

      const fr = byJob(french);
      assert.equal(to(fr), 'bob@example.com');
      assert.equal(fr.subject, `checked (fr) n° ${french} : terminé`);
      assert.match(fr.text!, /Bonjour Bob Dupont/);
      assert.match(fr.text!, /Statut: terminé/);
      assert.match(fr.text!, /Avertissements: 2/);
      assert.match(fr.text!, /Voir le rapport: https:\/\/jobs\.example\.com\/app\/jobs\//);

      const sensitive = byJob(secret);
      assert.equal(to(sensitive), 'carol@example.com');
      assert.ok(!`${sensitive.text}${sensitive.html}${sensitive.subject}`.includes('hunter2'));
    });

    /** Ends a job of Alice's whose confirmation goes to `email`, in `locale`; returns its ID. */
    const endJobMailedTo = async (email: string, locale = 'en') => {
      const { rows } = await db.query<{ id: string }>(
        `insert into jobs (type, status, user_id, user_name, notify_by_email, email, locale)
         values ('checked', 'running', 'alice', 'Alice Martin', true, $1::text, $2::text) returning id`,
        [email, locale],
      );
      await db.query(`update jobs set status = 'succeeded', ended_at = now() where id = $1::bigint`, [rows[0]!.id]);
      return rows[0]!.id;
    };

    test('a mail the SMTP server refuses for good is given up with its answer, not sent again', async () => {
      const refused = await endJobMailedTo('nobody@example.com');
      const kept = await endJobMailedTo('alice@example.com');
      const rowOf = async (jobId: string) =>
        (
          await db.query<{ attempts: number; given_up_at: Date | null; sent_at: Date | null; last_error: string }>(
            `select attempts, given_up_at, sent_at, last_error from mail_outbox where job_id = $1::bigint`,
            [jobId],
          )
        ).rows[0];
      await until(async () => (await rowOf(refused))?.given_up_at != null, 'the refused mail given up');
      await until(async () => (await rowOf(kept))?.sent_at != null, 'the other mail sent');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await Promise.all(senders.map((started) => started.flush()));
      const row = (await rowOf(refused))!;
      assert.equal(row.attempts, 1);
      assert.equal(row.sent_at, null);
      assert.match(row.last_error, /550 5\.1\.1 No such user here/);
    });

    test('a recipient that is not one plain address is given up, and nothing is sent to any part of it', async () => {
      inbox.mails.length = 0;
      const odd = [
        'alice@example.com\r\nBcc: mallory@example.com',
        'alice@example.com, mallory@example.com',
        'Alice <alice@example.com>',
        '',
      ];
      const ids: string[] = [];
      for (const email of odd) ids.push(await endJobMailedTo(email));
      const kept = await endJobMailedTo('alice@example.com');
      await until(() => inbox.mails.length === 1, 'the mail with a plain address');
      const rows = async () =>
        (
          await db.query<{ given_up_at: Date | null; sent_at: Date | null; attempts: number; last_error: string }>(
            `select given_up_at, sent_at, attempts, last_error from mail_outbox where job_id = any($1::bigint[])`,
            [ids],
          )
        ).rows;
      await until(async () => (await rows()).every((row) => row.given_up_at !== null), 'the odd ones given up');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await Promise.all(senders.map((started) => started.flush()));
      for (const row of await rows()) {
        assert.equal(row.sent_at, null);
        assert.equal(row.attempts, 1);
        assert.match(row.last_error, /is not one e-mail address/);
      }
      assert.deepEqual(
        inbox.mails.map((mail) => mail.messageId),
        [`<job-${kept}@jobs.example.com>`],
      );
    });

    test('a locale with a region or in capitals (fr-FR, FR) gets the French mail', async () => {
      inbox.mails.length = 0;
      const ids = [await endJobMailedTo('alice@example.com', 'fr-FR'), await endJobMailedTo('alice@example.com', 'FR')];
      await until(() => inbox.mails.length === 2, 'two mails');
      for (const id of ids) {
        const mail = inbox.mails.find((received) => received.messageId === `<job-${id}@jobs.example.com>`)!;
        assert.equal(mail.subject, `checked (fr) n° ${id} : terminé`);
        assert.match(mail.text!, /^Bonjour Alice Martin,/);
        assert.equal(mail.headers.get('content-language'), 'fr');
      }
    });

    test('two senders on one database send each mail exactly once', async () => {
      inbox.mails.length = 0;
      const second = kind === 'postgres' ? await openDb({ url: testDatabaseUrl, schema: db.schema }) : db;
      if (second !== db) extraDbs.push(second);
      await sender(second);
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await launch(i % 2 ? 'alice' : 'bob', 'checked', true));
      await until(() => inbox.mails.length >= 12, 'twelve mails');
      const sent = async () => (await outbox()).filter((row) => ids.includes(row.job_id));
      await until(async () => (await sent()).every((row) => row.sent_at !== null), 'all marked sent');
      await Promise.all(senders.map((started) => started.flush()));
      assert.deepEqual(
        inbox.mails.map((mail) => mail.messageId).sort(),
        ids.map((id) => `<job-${id}@jobs.example.com>`).sort(),
      );
    });

    test('a send slower than the claim is not taken over by the other sender meanwhile', async () => {
      for (const started of senders.splice(0)) await started.stop();
      const received: string[] = [];
      // Each answer well within the socket timeout, the whole send longer than a claim (twice sendTimeoutMs).
      const slowly = (done: () => void) => setTimeout(done, 250);
      const slow = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onMailFrom: (_address, _session, done) => slowly(() => done()),
        onRcptTo: (_address, _session, done) => slowly(() => done()),
        onData: (stream, _session, done) => {
          simpleParser(stream).then(
            (mail) =>
              slowly(() => {
                received.push(mail.messageId ?? '?');
                done();
              }),
            (error: Error) => done(error),
          );
        },
      });
      const slowPort = await freePort();
      await new Promise<void>((resolve) => slow.listen(slowPort, '127.0.0.1', () => resolve()));
      try {
        const second = kind === 'postgres' ? await openDb({ url: testDatabaseUrl, schema: db.schema }) : db;
        if (second !== db) extraDbs.push(second);
        for (const onDb of [db, second]) {
          const started = await startMailSender({
            db: onDb,
            jobTypes,
            smtp: `smtp://127.0.0.1:${slowPort}`,
            from: 'jobs@example.com',
            publicUrl: 'https://jobs.example.com/',
            retry: { baseMs: 40, maxMs: 200 },
            sendTimeoutMs: 400,
            pollMs: 50,
            onError: () => {},
          });
          senders.push(started);
        }
        const ids = [await endJobMailedTo('alice@example.com'), await endJobMailedTo('bob@example.com')];
        await until(async () => received.length >= 2, 'two mails', 15_000);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        assert.deepEqual(received.sort(), ids.map((id) => `<job-${id}@jobs.example.com>`).sort());
        const { rows } = await db.query<{ attempts: number }>(
          `select attempts from mail_outbox where job_id = any($1::bigint[])`,
          [ids],
        );
        assert.deepEqual(
          rows.map((row) => row.attempts),
          [1, 1],
        );
      } finally {
        await new Promise<void>((resolve) => slow.close(() => resolve()));
      }
    });
  });
}
