import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cors } from 'hono/cors';
import { createApp } from '../../server/app.js';
import { loadUsers, tokenAuth } from '../../server/auth/tokens.js';
import { contractChecked, validateSchema } from '../support/contract.js';
import { dbKinds } from '../support/db.js';
import { demoTokens } from '../support/demoUsers.js';
import { testJobTypes } from './fixtures.js';
import { openWorld, type World } from './helpers.js';

for (const kind of dbKinds) {
  describe(`session, users and job types (${kind})`, () => {
    let world: World;
    before(async () => {
      world = await openWorld(kind, () => testJobTypes());
    });
    after(() => world.close());

    it('answers 401 problem details without credentials or with a wrong token', async () => {
      const none = await world.call(null, 'GET', '/me');
      assert.equal(none.status, 401);
      assert.equal(none.body.code, 'unauthenticated');
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      const wrong = await world.call(null, 'GET', '/me', { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
    });

    it('returns the caller and their permissions', async () => {
      const { status, body } = await world.call('bob', 'GET', '/me');
      assert.equal(status, 200);
      assert.deepEqual(body, {
        id: 'bob',
        name: 'Bob Dupont',
        email: 'bob@example.com',
        locale: 'fr',
        permissions: ['jobs:read:own', 'jobs:open:any'],
      });
    });

    it('accepts the token in the job_session cookie', async () => {
      const { status, body } = await world.call(null, 'GET', '/me', {
        headers: { cookie: `theme=dark; job_session=${demoTokens.carol}` },
      });
      assert.equal(status, 200);
      assert.equal(body.id, 'carol');
    });

    it('answers 401, not 500, for a job_session cookie that is not URL-encoded text', async () => {
      for (const cookie of ['job_session=%', 'job_session=%E0%A4%A']) {
        const { status, body, headers } = await world.call(null, 'GET', '/me', { headers: { cookie } });
        assert.equal(status, 401, cookie);
        assert.equal(body.code, 'unauthenticated');
        assert.equal(headers.get('www-authenticate'), 'Bearer');
      }
    });

    it('refuses a cookie-authenticated change from another site (CSRF)', async () => {
      const cookie = `job_session=${demoTokens.alice}`;
      const launch = (headers: Record<string, string>) =>
        world.call(null, 'POST', '/jobs', { body: { type: 'quick' }, headers: { cookie, ...headers } });
      const crossSite = await launch({ origin: 'https://evil.example' });
      assert.equal(crossSite.status, 401);
      assert.equal((await launch({ 'sec-fetch-site': 'cross-site' })).status, 401);
      assert.equal((await launch({ origin: 'http://test' })).status, 202);
      assert.equal((await launch({})).status, 202);
    });

    it('lists users only for jobs:read:any, filtered by q', async () => {
      assert.equal((await world.call('alice', 'GET', '/users')).status, 403);
      assert.equal((await world.call('bob', 'GET', '/users')).status, 403);
      const all = await world.call('carol', 'GET', '/users');
      assert.deepEqual(
        all.body.items.map((u: { id: string }) => u.id),
        ['alice', 'bob', 'carol'],
      );
      const some = await world.call('carol', 'GET', '/users?q=DUPONT&limit=5');
      assert.deepEqual(some.body.items, [{ id: 'bob', name: 'Bob Dupont', email: 'bob@example.com', locale: 'fr' }]);
    });

    it('lists job types with labels in the language asked for', async () => {
      const en = await world.call('alice', 'GET', '/job-types');
      const quick = en.body.items.find((t: { type: string }) => t.type === 'quick');
      assert.equal(quick.label, 'Quick job');
      assert.equal(quick.interruptible, true);
      assert.equal(quick.launchUrl, '/quick/new?from={jobId}&count={count}');
      const fr = await world.call('alice', 'GET', '/job-types', {
        headers: { 'accept-language': 'de;q=1, fr-CA;q=0.8' },
      });
      assert.equal(fr.body.items.find((t: { type: string }) => t.type === 'quick').label, 'Tâche rapide');
      // A browser sends the user's whole list of languages: a long one is read, not refused.
      const many = `${Array.from({ length: 60 }, (_, i) => `x${i};q=0.${i % 9}`).join(',')},fr;q=0.95`;
      assert.ok(many.length > 400);
      const long = await world.call('alice', 'GET', '/job-types', { headers: { 'accept-language': many } });
      assert.equal(long.status, 200);
      assert.equal(long.body.items.find((t: { type: string }) => t.type === 'quick').label, 'Tâche rapide');
    });

    it('answers 413 to a body past the limit on every operation that takes a request body', async () => {
      const big = 'x'.repeat(4 * 1024 * 1024 + 1);
      for (const [method, path] of [
        ['POST', '/jobs/1/requeue'],
        ['POST', '/jobs/1/interrupt'],
        ['DELETE', '/jobs/1'],
        ['POST', '/events/token'],
        ['POST', '/notifications/1/read'],
        ['POST', '/notifications/read'],
      ]) {
        const headers = { 'content-type': 'application/json', origin: 'http://test' };
        const { status, body } = await world.call('alice', method!, path!, { rawBody: big, headers });
        assert.equal(status, 413, `${method} ${path}`);
        assert.equal(body.code, 'payload_too_large');
      }
    });

    it('answers unknown routes with 404 problem details', async () => {
      const response = await world.app.request('/api/events', {
        headers: { authorization: `Bearer ${demoTokens.alice}` },
      });
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      assert.equal((await response.json()).code, 'not_found');
      assert.equal((await world.app.request('/elsewhere')).status, 404);
      // Checked against the contract, like every answer through world.call: no stream here, so no token for one.
      const token = await world.call('alice', 'POST', '/events/token');
      assert.equal(token.status, 404);
      assert.equal(token.body.code, 'not_found');
    });

    it('answers a method the path does not take with 405 and Allow, and OPTIONS with Allow', async () => {
      const headers = { authorization: `Bearer ${demoTokens.alice}` };
      const patch = await world.app.request('/api/jobs/1', { method: 'PATCH', headers });
      assert.equal(patch.status, 405);
      assert.equal(patch.headers.get('allow'), 'GET, HEAD, DELETE');
      assert.equal(patch.headers.get('content-type'), 'application/problem+json');
      const problem = await patch.json();
      assert.equal(problem.code, 'method_not_allowed');
      assert.equal(problem.detail, '/api/jobs/1 does not take PATCH; it takes GET, HEAD, DELETE.');
      // A fixed path is not read as a job ID: /jobs/facets takes GET only.
      const facets = await world.app.request('/api/jobs/facets', { method: 'PATCH', headers });
      assert.equal(facets.status, 405);
      assert.equal(facets.headers.get('allow'), 'GET, HEAD');
      // Nor when a template of the same shape takes the method: DELETE /jobs/{id} exists.
      const deleteFacets = await world.app.request('/api/jobs/facets', { method: 'DELETE', headers });
      assert.equal(deleteFacets.status, 405);
      assert.equal((await deleteFacets.json()).detail, '/api/jobs/facets does not take DELETE; it takes GET, HEAD.');
      const options = await world.app.request('/api/jobs', { method: 'OPTIONS', headers });
      assert.equal(options.status, 204);
      assert.equal(options.headers.get('allow'), 'GET, HEAD, POST');
      // Unknown paths stay 404, whatever the method.
      assert.equal((await world.app.request('/api/nothing', { method: 'PUT', headers })).status, 404);
    });

    it('refuses unknown query parameters with 400', async () => {
      const { status, body } = await world.call('alice', 'GET', '/me?debug=1');
      assert.equal(status, 400);
      assert.deepEqual(body.errors, [{ location: 'query', path: '/debug', message: 'is not allowed' }]);
    });

    it('lets a host mount routes that authenticate for themselves ahead of the token check', async () => {
      const app = createApp({
        db: world.db,
        auth: async () => null,
        jobTypes: testJobTypes(),
        mount: (api, { registry }) =>
          api.get('/me', (c) =>
            c.json({
              id: 'kiosk',
              name: `Kiosk (${registry.all().length} types)`,
              email: null,
              locale: 'en',
              permissions: [],
            }),
          ),
      });
      const response = await contractChecked((r) => app.fetch(r))('http://test/api/me');
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { name: string }).name, 'Kiosk (3 types)');
      assert.equal((await app.request('/api/job-types')).status, 401);
    });

    it('leaves the answers of a host’s own routes as they are, even one whose headers cannot be changed', async () => {
      const app = createApp({
        db: world.db,
        auth: async () => null,
        jobTypes: testJobTypes(),
        // As a proxied fetch() answer: its headers are immutable.
        mount: (api) => api.get('/docs', () => Response.redirect('https://docs.example/', 302)),
      });
      const response = await app.request('/api/docs');
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), 'https://docs.example/');
    });

    it('lets a host answer cross-origin requests with cors middleware mounted ahead of the token check', async () => {
      const origin = 'https://host.example';
      const app = createApp({
        db: world.db,
        auth: tokenAuth(await loadUsers()),
        jobTypes: testJobTypes(),
        mount: (api) => {
          api.use(cors({ origin, allowHeaders: ['Authorization', 'Content-Type'] }));
        },
      });
      // A preflight carries no credentials: it must not meet the 401.
      const preflight = await app.request('/api/jobs', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);
      const call = (headers: Record<string, string>) =>
        contractChecked((r) => app.fetch(r))('http://test/api/me', { headers: { origin, ...headers } });
      const allowed = await call({ authorization: `Bearer ${demoTokens.alice}` });
      assert.equal(allowed.status, 200);
      assert.equal(allowed.headers.get('access-control-allow-origin'), origin);
      // Routes that authenticate for themselves answer cross-origin calls too.
      const notifications = await contractChecked((r) => app.fetch(r))('http://test/api/notifications', {
        headers: { origin, authorization: `Bearer ${demoTokens.alice}` },
      });
      assert.equal(notifications.status, 200);
      assert.equal(notifications.headers.get('access-control-allow-origin'), origin);
      // Errors carry the header too, so the page can read the problem details.
      const refused = await call({});
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), origin);
      // The body limit answers before any route: its 413 too.
      const tooLarge = await contractChecked((r) => app.fetch(r))('http://test/api/jobs', {
        method: 'POST',
        headers: { origin, authorization: `Bearer ${demoTokens.alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'report', params: { text: 'x'.repeat(5 * 1024 * 1024) } }),
      });
      assert.equal(tooLarge.status, 413);
      assert.equal(tooLarge.headers.get('access-control-allow-origin'), origin);
    });

    it('hides internal errors behind a 500 internal_error', async () => {
      const original = console.error;
      console.error = () => {};
      try {
        const app = createApp({
          db: world.db,
          auth: async () => {
            throw new Error('secret connection string postgres://admin:hunter2@db');
          },
          jobTypes: testJobTypes(),
        });
        // The contract lists no 500 response, so the body is checked against its Problem schema directly.
        const response = await app.request('/api/me');
        assert.equal(response.status, 500);
        const text = await response.text();
        validateSchema('Problem', JSON.parse(text));
        assert.match(text, /internal_error/);
        assert.doesNotMatch(text, /hunter2/);
      } finally {
        console.error = original;
      }
    });
  });
}
