import { expect } from '@open-wc/testing';
import { HttpResponse, http } from 'msw';
import { makeJob, page, problem, runningJob } from './support/fixtures.js';
import { defaultHandlers, resetApi, violations, worker } from './support/mock-api.js';
import { button, cell, html, notice, renderTracker, rowById, rows, shadow, text, until } from './support/tracker.js';

const variety = [
  runningJob(1),
  makeJob(2, { status: 'queued', startedAt: null, endedAt: null, waitingMs: null, processingMs: null }),
  makeJob(3, { warnings: 3, notifyByEmail: true, email: 'alice@example.com' }),
  makeJob(4, { status: 'failed', errors: 2, errorCode: 'handler_exception' }),
  makeJob(5, { status: 'interrupted', interruptedBy: { id: 'alice', name: 'Alice Martin' } }),
  makeJob(6, { status: 'paused_by_admin' }),
];

const allColumns = 'status,report,type,id,user,start,waiting,processing,end,host,email';

describe('<job-tracker> accessibility, language and safety', () => {
  beforeEach(async () => {
    history.replaceState(null, '', location.pathname);
    localStorage.clear();
    await resetApi(http.get('/api/jobs', () => HttpResponse.json(page(variety))));
  });

  afterEach(() => {
    document.documentElement.lang = 'en';
    expect(violations.join('\n'), 'responses outside the contract').to.equal('');
  });

  for (const theme of ['light', 'dark'] as const) {
    describe(`${theme} theme: axe finds no violation`, () => {
      it('with every status and every column', async () => {
        const tracker = await renderTracker(
          html`<job-tracker theme=${theme} report-url="/jobs/{id}" columns=${allColumns}></job-tracker>`,
        );
        expect(rows(tracker)).to.have.length(variety.length);
        await expect(tracker).to.be.accessible();
      });

      it('empty', async () => {
        worker.resetHandlers(...defaultHandlers());
        const tracker = await renderTracker(html`<job-tracker theme=${theme}></job-tracker>`);
        expect(text(shadow(tracker).querySelector('[part="status"]'))).to.equal('No jobs match these filters.');
        await expect(tracker).to.be.accessible();
      });

      it('failed to load, with a retry that works', async () => {
        let fail = true;
        worker.resetHandlers(
          // The server cannot be reached at all: fetch fails with no response.
          http.get('/api/jobs', () => (fail ? HttpResponse.error() : HttpResponse.json(page(variety)))),
          ...defaultHandlers(),
        );
        const tracker = await renderTracker(html`<job-tracker theme=${theme}></job-tracker>`);
        expect(text(shadow(tracker).querySelector('[part="status"]'))).to.contain('The jobs could not be loaded.');
        await expect(tracker).to.be.accessible();
        fail = false;
        button(shadow(tracker).querySelector('[part="status"]')!, 'Retry').click();
        await until(() => rows(tracker).length === variety.length, 'retry did not load');
      });

      it('with a selection, a result notice and a supervisor’s filters', async () => {
        worker.resetHandlers(
          http.get('/api/jobs', () => HttpResponse.json(page(variety))),
          http.post('/api/jobs/3/requeue', () => problem(409, 'not_requeueable', 'This job cannot run again.')),
          ...defaultHandlers(['jobs:read:own', 'jobs:read:any', 'jobs:manage:any']),
        );
        const tracker = await renderTracker(html`<job-tracker theme=${theme}></job-tracker>`);
        await until(() => shadow(tracker).querySelector('select[name="user"]'));
        rowById(tracker, '3')!.querySelector('input')!.click();
        button(rowById(tracker, '3')!, 'Requeue').click();
        await until(() => notice(tracker).includes('cannot run again'));
        shadow(tracker).querySelector('details')!.open = true;
        await expect(tracker).to.be.accessible();
      });

      it('asking for confirmation', async () => {
        const tracker = await renderTracker(html`<job-tracker theme=${theme}></job-tracker>`);
        button(rowById(tracker, '3')!, 'Delete').click();
        await until(() => shadow(tracker).querySelector('dialog')!.open);
        await expect(tracker).to.be.accessible();
        button(shadow(tracker).querySelector('dialog')!, 'Cancel').click();
      });

      it('in French', async () => {
        document.documentElement.lang = 'fr';
        const tracker = await renderTracker(html`<job-tracker theme=${theme}></job-tracker>`);
        await expect(tracker).to.be.accessible();
      });
    });
  }

  it('follows <html lang="fr"> in every label, and switches back when it changes', async () => {
    document.documentElement.lang = 'fr';
    const tracker = await renderTracker();
    const headers = () => [...shadow(tracker).querySelectorAll('thead th')].map((th) => text(th));
    expect(headers()).to.include.members(['Statut', 'Type', 'Utilisateur', 'Début', 'Attente', 'Traitement', 'Fin']);
    expect(text(shadow(tracker).querySelector('[part="refresh"]'))).to.equal('Actualiser');
    expect(cell(rowById(tracker, '4')!, 'status')).to.contain('Échec');
    expect(text(shadow(tracker).querySelector('select[name="status"]'))).to.contain('Non traités');
    document.documentElement.lang = 'en';
    await until(
      () => text(shadow(tracker).querySelector('[part="refresh"]')) === 'Refresh',
      'did not follow <html lang>',
    );
  });

  it('writes the number of jobs the way its language does', async () => {
    worker.resetHandlers(
      http.get('/api/jobs', ({ request }) =>
        HttpResponse.json({
          ...page([makeJob(1)], null, 12345),
          total: { value: 12345, exact: !new URL(request.url).searchParams.has('q') },
        }),
      ),
      ...defaultHandlers(),
    );
    // Not through text(), which would turn French's narrow no-break space into a plain one.
    const status = (tracker: HTMLElement) => tracker.shadowRoot!.querySelector('[part="status"]')!.textContent!.trim();
    const english = await renderTracker();
    expect(status(english)).to.equal('12,345 jobs');
    const french = await renderTracker(html`<job-tracker lang="fr"></job-tracker>`);
    expect(status(french)).to.equal('12\u202f345 traitements');
    history.replaceState(null, '', `${location.pathname}?q=import`);
    const capped = await renderTracker();
    expect(status(capped)).to.equal('More than 12,345 jobs');
  });

  it('shows times in the given time zone, with the exact instant reachable', async () => {
    const tracker = await renderTracker(html`<job-tracker time-zone="Asia/Tokyo"></job-tracker>`);
    const time = rowById(tracker, '3')!.querySelector('td.start time')!;
    const expected = new Intl.DateTimeFormat('en', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Asia/Tokyo' });
    expect(text(time)).to.equal(expected.format(new Date(variety[2]!.startedAt!)));
    expect(time.getAttribute('datetime')).to.equal(variety[2]!.startedAt);
  });

  it('renders HTML in a type label or a user name as text', async () => {
    const hostile = makeJob(7, {
      typeLabel: '<img src=x onerror="window.__pwned=1">Import',
      user: { id: 'mallory', name: '<b>Mallory</b>' },
    });
    worker.resetHandlers(
      http.get('/api/jobs', () => HttpResponse.json(page([hostile]))),
      ...defaultHandlers(),
    );
    const tracker = await renderTracker(html`<job-tracker columns="type,user,id"></job-tracker>`);
    const row = rowById(tracker, '7')!;
    expect(cell(row, 'type')).to.equal('<img src=x onerror="window.__pwned=1">Import');
    expect(cell(row, 'user')).to.equal('<b>Mallory</b>');
    expect(row.querySelector('img, b')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('adds no <style> element or style attribute to the host page', async () => {
    const before = document.querySelectorAll('style').length;
    const tracker = await renderTracker();
    expect(document.querySelectorAll('style').length).to.equal(before);
    expect(tracker.shadowRoot!.querySelectorAll('style')).to.have.length(0);
    expect(tracker.shadowRoot!.adoptedStyleSheets.length).to.be.greaterThan(0);
    expect(tracker.hasAttribute('style')).to.equal(false);
  });
});
