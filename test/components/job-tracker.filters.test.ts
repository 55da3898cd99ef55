import { expect } from '@open-wc/testing';
import { HttpResponse, http } from 'msw';
import { makeJob, page, problem } from './support/fixtures.js';
import { defaultHandlers, jobRequests, requests, resetApi, violations, worker } from './support/mock-api.js';
import { button, html, renderTracker, rows, setControl, shadow, text, until } from './support/tracker.js';

/** The query of the latest `GET /api/jobs`. */
function lastQuery(): URLSearchParams {
  return jobRequests().at(-1)!.searchParams;
}

async function nextJobRequest(action: () => Promise<void> | void): Promise<URLSearchParams> {
  const before = jobRequests().length;
  await action();
  await until(() => jobRequests().length > before, 'no new GET /jobs');
  return lastQuery();
}

describe('<job-tracker> filters, sort and columns', () => {
  beforeEach(async () => {
    history.replaceState(null, '', location.pathname);
    localStorage.clear();
    await resetApi(http.get('/api/jobs', () => HttpResponse.json(page([makeJob(1), makeJob(2)]))));
  });

  afterEach(() => {
    expect(violations.join('\n'), 'responses outside the contract').to.equal('');
    history.replaceState(null, '', location.pathname);
  });

  it('asks for the first page newest first, without an offset', async () => {
    await renderTracker();
    const query = lastQuery();
    expect(query.get('sort')).to.equal('-createdAt');
    expect(query.get('limit')).to.equal('100');
    expect(query.has('offset')).to.equal(false);
    expect(query.has('cursor')).to.equal(false);
  });

  it('filters by status: processed, unprocessed, one status', async () => {
    const tracker = await renderTracker();
    expect((await nextJobRequest(() => setControl(tracker, 'status', 'processed'))).get('status')).to.equal(
      'processed',
    );
    expect((await nextJobRequest(() => setControl(tracker, 'status', 'unprocessed'))).get('status')).to.equal(
      'unprocessed',
    );
    expect((await nextJobRequest(() => setControl(tracker, 'status', 'failed'))).get('status')).to.equal('failed');
    const all = await nextJobRequest(() => setControl(tracker, 'status', 'all'));
    expect(all.has('status')).to.equal(false);
  });

  it('offers the user filter, from /users, to a supervisor and filters by it', async () => {
    worker.resetHandlers(
      http.get('/api/jobs', () => HttpResponse.json(page([makeJob(1)]))),
      ...defaultHandlers(['jobs:read:own', 'jobs:read:any']),
    );
    const tracker = await renderTracker();
    await until(() => shadow(tracker).querySelector('select[name="user"]'), 'no user filter');
    const options = [...shadow(tracker).querySelectorAll('select[name="user"] option')].map((o) => text(o));
    expect(options).to.deep.equal(['All users', 'Alice Martin', 'Bob Durand']);
    expect((await nextJobRequest(() => setControl(tracker, 'user', 'bob'))).get('user')).to.equal('bob');
  });

  it('hides the user filter from a user who may only list their own jobs, and does not ask for /users', async () => {
    const tracker = await renderTracker();
    expect(shadow(tracker).querySelector('select[name="user"]')).to.equal(null);
    expect(requests.some((url) => url.pathname === '/api/users')).to.equal(false);
  });

  it('drops a user filter from the URL that the user may not apply (a supervisor’s link), instead of a 403 with no filter to clear', async () => {
    worker.resetHandlers(
      http.get('/api/jobs', ({ request }) =>
        new URL(request.url).searchParams.has('user')
          ? problem(403, 'forbidden', 'You may not list other users’ jobs.')
          : HttpResponse.json(page([makeJob(1)])),
      ),
      ...defaultHandlers(),
    );
    history.replaceState(null, '', `${location.pathname}?user=bob&status=failed`);
    const tracker = await renderTracker();
    expect(rows(tracker)).to.have.length(1);
    expect(jobRequests().map((url) => url.searchParams.get('user'))).to.deep.equal([null]);
    expect(lastQuery().get('status')).to.equal('failed');
    expect(new URLSearchParams(location.search).has('user')).to.equal(false);
  });

  it('keeps a user filter from the URL for a supervisor, with a single request', async () => {
    worker.resetHandlers(
      http.get('/api/jobs', () => HttpResponse.json(page([makeJob(1)]))),
      ...defaultHandlers(['jobs:read:own', 'jobs:read:any']),
    );
    history.replaceState(null, '', `${location.pathname}?user=bob`);
    const tracker = await renderTracker();
    expect(jobRequests().map((url) => url.searchParams.get('user'))).to.deep.equal(['bob']);
    expect(shadow(tracker).querySelector<HTMLSelectElement>('select[name="user"]')!.value).to.equal('bob');
  });

  it('filters by type, from /job-types', async () => {
    const tracker = await renderTracker();
    const query = await nextJobRequest(() => setControl(tracker, 'type', 'schedule-optimisation'));
    expect(query.get('type')).to.equal('schedule-optimisation');
  });

  describe('a type in the URL', () => {
    const imported = makeJob(1);
    const optimised = makeJob(2, { type: 'schedule-optimisation', typeLabel: 'Schedule optimisation' });

    // Filters by type as the server does: a type no job has gives an empty page, not an error.
    beforeEach(() => {
      worker.resetHandlers(
        http.get('/api/jobs', ({ request }) => {
          const type = new URL(request.url).searchParams.get('type');
          return HttpResponse.json(page([imported, optimised].filter((job) => !type || job.type === type)));
        }),
        ...defaultHandlers(),
      );
    });

    it('drops a type that is not a job type (a stale link), instead of an empty table under "All types"', async () => {
      history.replaceState(null, '', `${location.pathname}?type=nope&status=failed`);
      const tracker = await renderTracker();
      expect(rows(tracker)).to.have.length(2);
      expect(jobRequests().map((url) => url.searchParams.get('type'))).to.deep.equal([null]);
      expect(lastQuery().get('status')).to.equal('failed');
      expect(shadow(tracker).querySelector<HTMLSelectElement>('select[name="type"]')!.value).to.equal('');
      const params = new URLSearchParams(location.search);
      expect(params.has('type')).to.equal(false);
      expect(params.get('status')).to.equal('failed');
    });

    it('keeps a job type, shown in the select, with a single request', async () => {
      history.replaceState(null, '', `${location.pathname}?type=schedule-optimisation`);
      const tracker = await renderTracker();
      expect(rows(tracker)).to.have.length(1);
      expect(jobRequests().map((url) => url.searchParams.get('type'))).to.deep.equal(['schedule-optimisation']);
      const select = shadow(tracker).querySelector<HTMLSelectElement>('select[name="type"]')!;
      expect(select.value).to.equal('schedule-optimisation');
      expect(new URLSearchParams(location.search).get('type')).to.equal('schedule-optimisation');
    });
  });

  it('filters by a date range, the last day included', async () => {
    const tracker = await renderTracker();
    await setControl(tracker, 'from', '2026-11-01');
    const query = await nextJobRequest(() => setControl(tracker, 'to', '2026-11-23'));
    expect(query.get('from')).to.equal(new Date('2026-11-01T00:00:00').toISOString());
    expect(query.get('to')).to.equal(new Date('2026-11-24T00:00:00').toISOString());
  });

  it('searches by text, once the user stops typing', async () => {
    const tracker = await renderTracker();
    const input = shadow(tracker).querySelector<HTMLInputElement>('input[name="q"]')!;
    const before = jobRequests().length;
    for (const value of ['i', 'im', 'imp']) {
      input.value = value;
      input.dispatchEvent(new Event('input'));
    }
    await until(() => jobRequests().length > before, 'no search request');
    expect(jobRequests().length).to.equal(before + 1);
    expect(lastQuery().get('q')).to.equal('imp');
  });

  it('keeps a search within the 200 characters the API takes, from the URL or typed', async () => {
    worker.resetHandlers(
      http.get('/api/jobs', ({ request }) =>
        (new URL(request.url).searchParams.get('q') ?? '').length > 200
          ? problem(400, 'invalid_request', 'q: must NOT have more than 200 characters')
          : HttpResponse.json(page([makeJob(1)])),
      ),
      ...defaultHandlers(),
    );
    history.replaceState(null, '', `${location.pathname}?q=${'a'.repeat(250)}`);
    const tracker = await renderTracker();
    expect(rows(tracker)).to.have.length(1);
    expect(lastQuery().get('q')).to.equal('a'.repeat(200));
    expect(shadow(tracker).querySelector<HTMLInputElement>('input[name="q"]')!.maxLength).to.equal(200);
  });

  it('sorts by a column, then the other way, and marks the header', async () => {
    const tracker = await renderTracker();
    const header = () => shadow(tracker).querySelector('th.status')!;
    expect((await nextJobRequest(() => button(header(), 'Status').click())).get('sort')).to.equal('status');
    await tracker.updateComplete;
    expect(header().getAttribute('aria-sort')).to.equal('ascending');
    expect((await nextJobRequest(() => button(header(), 'Status').click())).get('sort')).to.equal('-status');
    const start = shadow(tracker).querySelector('th.start')!;
    expect((await nextJobRequest(() => button(start, 'Started').click())).get('sort')).to.equal('-startedAt');
  });

  it('writes the filters into the URL and restores them on load', async () => {
    const tracker = await renderTracker();
    await setControl(tracker, 'status', 'processed');
    await setControl(tracker, 'q', 'import');
    expect(new URLSearchParams(location.search).get('status')).to.equal('processed');
    expect(new URLSearchParams(location.search).get('q')).to.equal('import');
    tracker.remove();

    requests.length = 0;
    const restored = await renderTracker();
    expect(lastQuery().get('status')).to.equal('processed');
    expect(lastQuery().get('q')).to.equal('import');
    expect(shadow(restored).querySelector<HTMLSelectElement>('select[name="status"]')!.value).to.equal('processed');
    expect(shadow(restored).querySelector<HTMLInputElement>('input[name="q"]')!.value).to.equal('import');
  });

  it('ignores a day in the URL that is not in the calendar, instead of breaking', async () => {
    history.replaceState(null, '', `${location.pathname}?from=2026-13-45&to=2026-02-30&status=failed`);
    const tracker = await renderTracker();
    expect(lastQuery().has('from')).to.equal(false);
    expect(lastQuery().has('to')).to.equal(false);
    expect(lastQuery().get('status')).to.equal('failed');
    expect(rows(tracker)).to.have.length(2);
  });

  it('keeps a host’s own URL parameters, and prefixes its own when asked', async () => {
    history.replaceState(null, '', `${location.pathname}?tab=jobs`);
    const tracker = await renderTracker(html`<job-tracker param-prefix="jt-"></job-tracker>`);
    await setControl(tracker, 'status', 'failed');
    const params = new URLSearchParams(location.search);
    expect(params.get('tab')).to.equal('jobs');
    expect(params.get('jt-status')).to.equal('failed');
    expect(params.has('status')).to.equal(false);
  });

  it('shows the columns of its attribute, and remembers the user’s choice per page', async () => {
    const tracker = await renderTracker(html`<job-tracker columns="status,id,host"></job-tracker>`);
    const headers = () => [...shadow(tracker).querySelectorAll('thead th')].map((th) => th.className);
    expect(headers()).to.deep.equal(['select', 'status', 'id', 'host', 'actions']);
    const email = shadow(tracker).querySelector<HTMLInputElement>('input[name="column"][value="email"]')!;
    email.click();
    await tracker.updateComplete;
    expect(headers()).to.include('email');
    expect(JSON.parse(localStorage.getItem(`job-tracker:columns:${location.pathname}`)!)).to.deep.equal([
      'status',
      'id',
      'host',
      'email',
    ]);
    tracker.remove();
    const again = await renderTracker(html`<job-tracker columns="status,id,host"></job-tracker>`);
    expect([...shadow(again).querySelectorAll('thead th')].map((th) => th.className)).to.include('email');
    expect(rows(again)[0]!.querySelector('td.email')).to.exist;
  });
});
