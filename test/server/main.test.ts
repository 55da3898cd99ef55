/** `server/main.ts` (env, start, stop) and `npm start` (demo/start.ts) as a real process. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { startDemo } from '../../demo/app-server.js';
import { openDb } from '../../server/db/index.js';
import { ConfigError, readConfig, StartupError, startServer } from '../../server/main.js';
import { enqueueJob } from '../../server/queue/enqueue.js';
import { checkResponse } from '../support/contract.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';

const auth = { authorization: `Bearer ${demoTokens.alice}` };

async function checkedFetch(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  await checkResponse(init?.method ?? 'GET', url, response);
  return response;
}

describe('server/main.ts', () => {
  const folders: string[] = [];
  after(async () => {
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('reads the environment and refuses bad values with a readable message', () => {
    const config = readConfig({ PORT: '8080', WORKER_CONCURRENCY: '0' });
    assert.equal(config.port, 8080);
    assert.equal(config.workerConcurrency, 0);
    assert.equal(config.databaseUrl, null);
    assert.equal(readConfig({}).port, 3000);
    assert.equal(readConfig({}).host, null, 'every interface');
    assert.equal(readConfig({}).schema, null);
    assert.equal(readConfig({}).keepFinishedJobsMs, 30 * 24 * 3_600_000);
    assert.equal(readConfig({ KEEP_FINISHED_DAYS: '7' }).keepFinishedJobsMs, 7 * 24 * 3_600_000);
    assert.equal(readConfig({ KEEP_FINISHED_DAYS: 'forever' }).keepFinishedJobsMs, null);
    for (const days of ['0', '-1', '1.5', 'never', '36501'])
      assert.throws(() => readConfig({ KEEP_FINISHED_DAYS: days }), /KEEP_FINISHED_DAYS must be a number of days/);
    assert.equal(readConfig({ DATABASE_SCHEMA: 'tenant_2' }).schema, 'tenant_2');
    for (const schema of ['Tenant', '2tenant', 'a-b', 'x; drop table jobs'])
      assert.throws(() => readConfig({ DATABASE_SCHEMA: schema }), /DATABASE_SCHEMA must be a lower-case name/);
    assert.equal(readConfig({ HOST: ' 127.0.0.1 ' }).host, '127.0.0.1');
    assert.throws(
      () => readConfig({ PORT: 'eighty' }),
      (e: unknown) => e instanceof ConfigError && /PORT/.test(String(e)),
    );
    assert.throws(() => readConfig({ DATABASE_URL: 'mysql://x' }), ConfigError);
    assert.throws(() => readConfig({ WORKER_CONCURRENCY: '-1' }), ConfigError);
    assert.equal(readConfig({}).launchesPerMinute, 120);
    assert.equal(readConfig({ LAUNCHES_PER_MINUTE: '0' }).launchesPerMinute, 0);
    assert.throws(() => readConfig({ LAUNCHES_PER_MINUTE: 'lots' }), /LAUNCHES_PER_MINUTE/);
    for (const port of ['1e3', '0x0C1D', ' 3101 ', '3101.0']) assert.throws(() => readConfig({ PORT: port }), /PORT/);
    // Not echoed: the value may hold a password.
    assert.throws(
      () => readConfig({ DATABASE_URL: 'postgres://u:secret@127.0.0.1:notaport/db' }),
      (e: unknown) =>
        e instanceof ConfigError && /DATABASE_URL is not a valid URL/.test(e.message) && !/secret/.test(e.message),
    );
    assert.throws(() => readConfig({ SMTP_URL: 'garbage' }), /SMTP_URL is not a valid URL/);
    assert.throws(() => readConfig({ SMTP_URL: 'http://mail' }), /SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    assert.throws(() => readConfig({ PUBLIC_URL: 'garbage' }), /PUBLIC_URL is not a valid URL/);
    const mailing = readConfig({ SMTP_URL: 'smtps://u:p@mail:465', PUBLIC_URL: 'https://jobs.example' });
    assert.deepEqual([mailing.smtpUrl, mailing.publicUrl], ['smtps://u:p@mail:465', 'https://jobs.example']);
    assert.equal(mailing.reportUrl, null);
    const template = 'https://app.example/jobs/{id}?from=mail';
    assert.equal(readConfig({ REPORT_URL: template }).reportUrl, template);
    assert.throws(() => readConfig({ REPORT_URL: 'https://app.example/jobs' }), /REPORT_URL must hold \{id\}/);
    assert.throws(() => readConfig({ REPORT_URL: 'ftp://app.example/{id}' }), /REPORT_URL must start with http/);
  });

  it('refuses to start with a StartupError that says what to fix: the database, the users file, the port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jobs-main-'));
    folders.push(dataDir);
    const config = readConfig({ PORT: '0', DATA_DIR: dataDir, WORKER_CONCURRENCY: '0' });
    const refused = (pattern: RegExp) => (error: unknown) =>
      error instanceof StartupError && pattern.test(error.message);

    await assert.rejects(
      startServer({ ...config, databaseUrl: 'postgres://postgres:hunter2@127.0.0.1:1/test' }),
      refused(
        /^cannot open the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test \(DATABASE_URL\): .*ECONNREFUSED.*Is PostgreSQL running there/,
      ),
    );
    await assert.rejects(
      startServer({ ...config, usersFile: join(dataDir, 'missing.json') }),
      refused(/^cannot read the users file .*missing\.json: ENOENT/),
    );
    const taken = createServer().listen(0, '0.0.0.0');
    await once(taken, 'listening');
    const port = (taken.address() as { port: number }).port;
    try {
      await assert.rejects(
        startServer({ ...config, port }),
        refused(new RegExp(`^port ${port} is taken by another program; set PORT to a free one`)),
      );
    } finally {
      taken.close();
    }
    await assert.rejects(
      startServer({ ...config, host: 'no-such-host.invalid' }),
      refused(/^cannot listen on no-such-host\.invalid port 0 \(HOST, PORT\): .*ENOTFOUND/),
    );
    // The refused start let go of the embedded database: the next one opens it.
    const server = await startServer(config);
    await server.close();
  });

  it('serves the API on embedded storage and keeps the data across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jobs-main-'));
    folders.push(dataDir);
    const config = { ...readConfig({ PORT: '0', DATA_DIR: dataDir, WORKER_CONCURRENCY: '0' }) };
    const first = await startServer(config);
    let id: string;
    try {
      const launched = await checkedFetch(`${first.url}/api/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'activity-report', params: { from: '2026-01-01', to: '2026-01-31' } }),
      });
      assert.equal(launched.status, 202);
      id = ((await launched.json()) as { id: string }).id;
    } finally {
      await first.close();
    }
    const second = await startServer(config);
    try {
      const job = await checkedFetch(`${second.url}/api/jobs/${id}`, { headers: auth });
      assert.equal(job.status, 200);
    } finally {
      await second.close();
    }
  });

  it('keeps its tables in DATABASE_SCHEMA', async () => {
    const schema = randomSchemaName();
    const config = readConfig({
      PORT: '0',
      WORKER_CONCURRENCY: '0',
      DATABASE_URL: testDatabaseUrl,
      DATABASE_SCHEMA: schema,
    });
    const server = await startServer(config);
    try {
      const types = await checkedFetch(`${server.url}/api/job-types`, { headers: auth });
      assert.equal(types.status, 200);
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query(
          `select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name = 'jobs'`,
          [schema],
        );
        assert.equal(rows[0].n, 1);
      } finally {
        await client.end();
      }
    } finally {
      await server.close();
      await dropSchema(schema);
    }
  });

  it('links the mails to REPORT_URL', async () => {
    const received: ParsedMail[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, done) => {
        simpleParser(stream).then((mail) => {
          received.push(mail);
          done();
        }, done);
      },
    });
    await new Promise<void>((listening) => smtp.listen(0, '127.0.0.1', listening));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    const dataDir = await mkdtemp(join(tmpdir(), 'jobs-main-'));
    folders.push(dataDir);
    const server = await startServer(
      readConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        REPORT_URL: 'https://app.example/jobs/{id}?from=mail',
      }),
    );
    try {
      const launched = await checkedFetch(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'activity-report',
          params: { from: '2026-01-01', to: '2026-01-31' },
          notifyByEmail: true,
        }),
      });
      assert.equal(launched.status, 202);
      const { id } = (await launched.json()) as { id: string };
      for (const waitingSince = Date.now(); received.length === 0; ) {
        assert.ok(Date.now() - waitingSince < 10_000, 'the mail of the finished job');
        await new Promise((done) => setTimeout(done, 20));
      }
      assert.match(received[0]!.text ?? '', new RegExp(`https://app\\.example/jobs/${id}\\?from=mail`));
    } finally {
      await server.close();
      await new Promise<void>((closed) => smtp.close(closed));
    }
  });

  it('stops claiming at once when a stalled SMTP server holds a mail at shutdown', async () => {
    // Accepts connections and never greets: a send waits for its 30 s timeout.
    const smtpSockets: Socket[] = [];
    const stalledSmtp = createServer((socket) => smtpSockets.push(socket)).listen(0, '127.0.0.1');
    await once(stalledSmtp, 'listening');
    const smtpPort = (stalledSmtp.address() as AddressInfo).port;
    const schema = randomSchemaName();
    const env = { PORT: '0', DATABASE_URL: testDatabaseUrl, DATABASE_SCHEMA: schema };
    const server = await startServer({
      ...readConfig({ ...env, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` }),
      shutdownGraceMs: 500,
    });
    const db = await openDb({ url: testDatabaseUrl, schema });
    try {
      const report = { type: 'activity-report', params: { from: '2026-01-01', to: '2026-01-31' } };
      const launched = await checkedFetch(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ ...report, notifyByEmail: true }),
      });
      assert.equal(launched.status, 202);
      for (const waitingSince = Date.now(); smtpSockets.length === 0; ) {
        assert.ok(Date.now() - waitingSince < 10_000, "the finished job's mail reaches the SMTP server");
        await new Promise((done) => setTimeout(done, 20));
      }
      const closing = server.close();
      const closingSince = Date.now();
      const late = await enqueueJob(db, { ...report, userId: 'alice', userName: 'Alice Martin' });
      await closing;
      const closedInMs = Date.now() - closingSince;
      assert.ok(closedInMs < 5_000, `stopped in ${closedInMs} ms, not after the SMTP timeout`);
      const { rows } = await db.query<{ status: string }>('select status from jobs where id = $1', [late.id]);
      assert.equal(rows[0]?.status, 'queued', 'no job is claimed once the shutdown began');
    } finally {
      await db.close();
      for (const socket of smtpSockets) socket.destroy();
      stalledSmtp.close();
      await dropSchema(schema);
    }
  });

  it('warns when the public demo tokens sign users in on a server others can reach', async () => {
    const warnings = async (env: NodeJS.ProcessEnv) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'jobs-main-'));
      folders.push(dataDir);
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        env: { ...process.env, PORT: '0', DATA_DIR: dataDir, WORKER_CONCURRENCY: '0', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      // 'close', not 'exit': the output may still be on its way when the process has exited.
      const exited = once(child, 'close');
      child.stdout.on('data', (chunk) => {
        if (String(chunk).includes('Job tracker API on')) child.kill('SIGTERM');
      });
      const [code] = await exited;
      assert.equal(code, 0, 'stopped gracefully: the signal found its handler installed before the announcement');
      return stderr;
    };
    assert.match(await warnings({}), /Warning: signing in with the demo users .* whose tokens are public/);
    assert.equal(await warnings({ HOST: '127.0.0.1' }), '');
  });
});

describe('npm start (demo/start.ts)', () => {
  /** Runs the demo with `env` until it exits; returns its exit code and what it wrote to stderr. */
  async function failedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
      env: { ...process.env, PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    return { code, stderr };
  }

  it('says in one line why it cannot start, without a stack trace, and exits 1', async () => {
    const { code, stderr } = await failedStart({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    assert.equal(code, 1);
    assert.match(stderr, /^Cannot start: cannot open the database at postgres:\/\/postgres@127\.0\.0\.1:1\/test/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('says so in one line when the users file is missing', async () => {
    const { code, stderr } = await failedStart({ USERS_FILE: '/nonexistent/users.json' });
    assert.equal(code, 1);
    assert.match(stderr, /^Cannot start: cannot read the users file \/nonexistent\/users\.json: ENOENT/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('waits no longer than its grace period for a request in flight, and a second SIGTERM exits at once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jobs-demo-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const port = await new Promise<number>((resolve) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = output.match(/open http:\/\/localhost:(\d+)\//);
          if (match) resolve(Number(match[1]));
        });
      });
      // A client that sends its headers and half its body, then nothing.
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        `POST /api/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${demoTokens.alice}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ty`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(child.exitCode, null, 'still in its grace period');
      const sentAt = Date.now();
      child.kill('SIGTERM');
      assert.equal(await exited, 1);
      assert.ok(Date.now() - sentAt < 3000, 'exited at the second signal');
      socket.destroy();
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly when npm itself is sent SIGTERM (its shell does not pass the signal on)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jobs-demo-'));
    const npm = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve) => {
        let output = '';
        npm.stdout.on('data', (chunk) => {
          output += chunk;
          const match = output.match(/open (http:\/\/localhost:\d+)\//);
          if (match) resolve(match[1]!);
        });
      });
      npm.kill('SIGTERM');
      const lockFile = join(dataDir, 'job-tracker.lock');
      const deadline = Date.now() + 20_000;
      while (existsSync(lockFile) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(existsSync(lockFile), false, 'the server let go of its data folder');
      await assert.rejects(fetch(`${url}/api/job-types`), 'the port is closed');
    } finally {
      npm.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('prints where to open it, serves the demo app and the API, and stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'jobs-demo-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/start.ts'], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = output.match(/open (http:\/\/localhost:\d+)\//);
          if (match) resolve(match[1]!);
        });
        child.stderr.on('data', (chunk) => {
          output += chunk;
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
      });
      const page = await fetch(`${url}/`);
      assert.match(await page.text(), /<title>Northwind Ops<\/title>/, 'the demo host app');
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const users = (await (await fetch(`${url}/demo/users.json`)).json()) as { token: string }[];
      for (const token of Object.values(demoTokens))
        assert.ok(
          users.some((user) => user.token === token),
          token,
        );
      const types = await checkedFetch(`${url}/api/job-types`, {
        headers: { cookie: `job_session=${demoTokens.bob}` },
      });
      assert.equal(types.status, 200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the demo, which hands out every token, to this machine unless HOST opens it', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
    if (!external) return t.skip('this machine has no address but loopback');
    const reachable = (url: string) =>
      fetch(url).then(
        (response) => response.ok,
        () => false,
      );
    for (const [env, outside] of [
      [{}, false],
      [{ HOST: '0.0.0.0' }, true],
    ] as const) {
      const dataDir = await mkdtemp(join(tmpdir(), 'jobs-demo-'));
      const demo = await startDemo({ env, config: { port: 0, dataDir }, announce: false });
      try {
        const port = new URL(demo.url).port;
        assert.equal(await reachable(`${demo.url}/demo/users.json`), true, `${JSON.stringify(env)}: from here`);
        assert.equal(await reachable(`http://127.0.0.1:${port}/demo/users.json`), true);
        assert.equal(
          await reachable(`http://${external}:${port}/demo/users.json`),
          outside,
          `${JSON.stringify(env)}: from ${external}`,
        );
      } finally {
        await demo.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  });
});
