import { expect, fixture, oneEvent } from '@open-wc/testing';
import { HttpResponse, http } from 'msw';
import { liveOutageGraceMs } from '../../components/job-tracker/live-status.js';
import { configure } from '../../components/shared/config.js';
import type { JobFinishedEvent } from '../../components/shared/events.js';
import type { Job } from '../../sdk/index.js';
import { jobTypes, makeJob, page, problem, runningJob } from './support/fixtures.js';
import {
  checkedFetch,
  holdAnswers,
  jobRequests,
  liveStream,
  requests,
  resetApi,
  silentStream,
  violations,
  worker,
} from './support/mock-api.js';
import { button, cell, html, renderTracker, rowById, rows, shadow, text, until } from './support/tracker.js';

/**
 * A stream the test can cut: `drop()` ends the open one, and with `stayDown` the server answers 503 to every attempt
 * until `back()`. Each stream says `: heartbeat` first, so the SDK counts it as one that worked.
 */
function breakableStream() {
  let current: ReadableStreamDefaultController<Uint8Array> | undefined;
  let down = false;
  let opened = 0;
  return {
    handler: http.get('/api/events', () => {
      if (down) return problem(503, 'service_unavailable', 'The job store is out of reach.');
      opened++;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          current = controller;
          controller.enqueue(new TextEncoder().encode(': heartbeat\n\n'));
        },
      });
      return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } });
    }),
    /** How many streams were opened. */
    opened: () => opened,
    drop(stayDown: boolean): void {
      down = stayDown;
      current?.close();
    },
    back(): void {
      down = false;
    },
  };
}

/** Waits for something not to happen: past the grace the tracker gives a reconnection before it says anything. */
function pastGrace(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, liveOutageGraceMs + 500));
}

describe('<job-tracker> live updates', () => {
  let listed: Job[];
  let stream: ReturnType<typeof liveStream>;

  beforeEach(async () => {
    history.replaceState(null, '', location.pathname);
    localStorage.clear();
    listed = [runningJob(2), makeJob(3), makeJob(4)];
    stream = liveStream();
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      stream.handler,
    );
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  it('moves a running job’s progress in place', async () => {
    const tracker = await renderTracker();
    await stream.open;
    expect(cell(rowById(tracker, '2')!, 'status')).to.contain('34%');
    await stream.send({
      type: 'job.progress',
      jobId: '2',
      progress: { done: 71, total: 100, percent: 71, message: 'Importing' },
      warnings: 1,
      errors: 0,
    });
    await until(() => cell(rowById(tracker, '2')!, 'status').includes('71%'), 'progress not shown');
    expect(cell(rowById(tracker, '2')!, 'status')).to.contain('1 warning');
  });

  it('changes a status in place and tells the host when a job finishes', async () => {
    const tracker = await renderTracker();
    await stream.open;
    const finished = oneEvent(tracker, 'job-finished') as Promise<JobFinishedEvent>;
    await stream.send({
      type: 'job.finished',
      job: makeJob(2, { status: 'failed', errors: 2, errorCode: 'handler_exception' }),
    });
    expect((await finished).job.id).to.equal('2');
    await until(() => cell(rowById(tracker, '2')!, 'status').includes('Failed'), 'status not updated');
  });

  it('shows a new job at once when the user is at the top with nothing selected', async () => {
    const tracker = await renderTracker();
    await stream.open;
    listed = [makeJob(1), ...listed];
    await stream.send({ type: 'job.created', job: makeJob(1) });
    await until(() => rowById(tracker, '1'), 'new job not shown');
    expect(rows(tracker).map((row) => cell(row, 'id'))).to.deep.equal(['1', '2', '3', '4']);
  });

  it('takes out a job deleted elsewhere, and counts it out of the total', async () => {
    const tracker = await renderTracker();
    await stream.open;
    await stream.send({ type: 'job.deleted', jobId: '3' });
    await until(() => !rowById(tracker, '3'), 'deleted job still shown');
    expect(text(shadow(tracker).querySelector('[part="status"]'))).to.equal('2 jobs');
  });

  it('keeps an end heard live while a reload sent before it answers with the job still running', async () => {
    const tracker = await renderTracker();
    await stream.open;
    const stale = [...listed];
    const reload = holdAnswers('/api/jobs', () => HttpResponse.json(page(stale)));
    await stream.send({ type: 'reset', reason: 'replay_window_exceeded' });
    await until(reload.sent, 'no reload after the reset');
    await stream.send({ type: 'job.finished', job: makeJob(2, { updatedAt: stale[0]!.updatedAt }) });
    await until(() => cell(rowById(tracker, '2')!, 'status').includes('Succeeded'), 'end not shown');
    await reload.release();
    await tracker.updateComplete;
    expect(rows(tracker).map((row) => cell(row, 'id'))).to.deep.equal(['2', '3', '4']);
    expect(cell(rowById(tracker, '2')!, 'status')).to.contain('Succeeded');
  });

  it('does not announce "Loading" at each live change: the status keeps the count until the new one', async () => {
    worker.use(
      http.get('/api/jobs', async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return HttpResponse.json(page(listed));
      }),
    );
    const tracker = await renderTracker();
    await stream.open;
    const announced: string[] = [];
    const observer = new MutationObserver(() => announced.push(text(shadow(tracker).querySelector('[part="status"]'))));
    observer.observe(shadow(tracker), { subtree: true, childList: true, characterData: true });
    listed = [makeJob(1), ...listed];
    await stream.send({ type: 'job.created', job: makeJob(1) });
    await until(() => rowById(tracker, '1'), 'new job not shown');
    observer.disconnect();
    expect(announced.filter((line) => line.includes('Loading'))).to.deep.equal([]);
    expect(text(shadow(tracker).querySelector('[part="status"]'))).to.equal('4 jobs');
    // A reload the user asked for still says it is loading.
    button(shadow(tracker), 'Refresh').click();
    await tracker.updateComplete;
    expect(text(shadow(tracker).querySelector('[part="status"]'))).to.equal('Loading jobs…');
  });

  it('keeps rows still while something is selected: the new job waits behind a "show" button', async () => {
    const tracker = await renderTracker();
    await stream.open;
    rowById(tracker, '3')!.querySelector('input')!.click();
    await tracker.updateComplete;
    const requestsBefore = jobRequests().length;
    listed = [makeJob(1), ...listed];
    await stream.send({ type: 'job.created', job: makeJob(1) });
    await stream.send({ type: 'job.updated', job: makeJob(3, { host: 'worker-z' }) });
    await stream.send({ type: 'job.deleted', jobId: '4' });
    const pending = () => shadow(tracker).querySelector('[part="pending"]');
    await until(() => text(pending()) === '2 changes — show', 'the pending button does not count 2 changes');
    expect(rows(tracker).map((row) => cell(row, 'id'))).to.deep.equal(['2', '3', '4']);
    expect(tracker.selection.has('3')).to.equal(true);
    expect(jobRequests().length).to.equal(requestsBefore);
    // An update to a row on screen still shows in place: it moves nothing.
    await until(() => rowById(tracker, '3')!.closest('tbody'));
    button(shadow(tracker), '2 changes').click();
    await until(() => rowById(tracker, '1'), 'new job not shown after "show"');
    expect(pending()).to.equal(null);
    expect(tracker.selection.has('3')).to.equal(true);
  });

  it('updates a row in place without moving the scroll position', async () => {
    listed = Array.from({ length: 60 }, (_, i) => makeJob(i + 1));
    const tracker = await renderTracker(html`<job-tracker columns="status,id,host"></job-tracker>`);
    await stream.open;
    const scroller = shadow(tracker).querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 800;
    await until(() => rowById(tracker, '30'), 'row 30 not rendered after scrolling');
    const before = scroller.scrollTop;
    await stream.send({ type: 'job.updated', job: makeJob(30, { host: 'worker-z' }) });
    await stream.send({ type: 'job.created', job: makeJob(0) });
    await until(() => cell(rowById(tracker, '30')!, 'host') === 'worker-z', 'row not updated');
    await until(() => shadow(tracker).querySelector('[part="pending"]'), 'no pending button');
    expect(scroller.scrollTop).to.equal(before);
  });

  it('keeps a running job’s processing time ticking', async () => {
    listed = [runningJob(2, { startedAt: new Date(Date.now() - 5_000).toISOString() })];
    const tracker = await renderTracker();
    const first = cell(rowById(tracker, '2')!, 'processing');
    expect(first).to.match(/\d+ sec/);
    await until(() => cell(rowById(tracker, '2')!, 'processing') !== first, 'time did not tick', { timeout: 3000 });
  });

  it('reloads on Refresh', async () => {
    const tracker = await renderTracker();
    const before = jobRequests().length;
    button(shadow(tracker), 'Refresh').click();
    await until(() => jobRequests().length === before + 1, 'no reload');
  });

  it('shares one stream among the trackers of a page', async () => {
    const two = await fixture(html`<div><job-tracker></job-tracker><job-tracker></job-tracker></div>`);
    const trackers = [...two.querySelectorAll('job-tracker')];
    await stream.open;
    await until(() => trackers.every((tracker) => rowById(tracker, '3')), 'both trackers show their rows');
    expect(requests.filter((url) => url.pathname === '/api/events')).to.have.length(1);
  });

  it('lets go of the stream while the tab is hidden, and reloads when it comes back', async () => {
    const tracker = await renderTracker();
    await stream.open;
    const streams = () => requests.filter((url) => url.pathname === '/api/events').length;
    const before = jobRequests().length;
    const setHidden = (hidden: boolean) => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    try {
      setHidden(true);
      await tracker.updateComplete;
      expect(streams()).to.equal(1);
      setHidden(false);
      await until(() => jobRequests().length === before + 1, 'no reload on return');
      await until(() => streams() === 2, 'stream not reopened');
    } finally {
      delete (document as { hidden?: boolean }).hidden;
    }
  });

  it('can pause live updates, and catches up on resume', async () => {
    const tracker = await renderTracker();
    await stream.open;
    const before = jobRequests().length;
    button(shadow(tracker), 'Pause live updates').click();
    await tracker.updateComplete;
    expect(button(shadow(tracker), 'Resume live updates').getAttribute('aria-pressed')).to.equal('true');
    button(shadow(tracker), 'Resume live updates').click();
    await until(() => jobRequests().length === before + 1, 'no catch-up reload on resume');
  });

  it('talks to the API of its base-url attribute', async () => {
    const other = `${location.protocol}//127.0.0.1:${location.port}/api`;
    worker.use(
      http.get(`${other}/me`, () =>
        HttpResponse.json({
          id: 'alice',
          name: 'Alice Martin',
          email: null,
          locale: 'en',
          permissions: ['jobs:read:own'],
        }),
      ),
      http.get(`${other}/job-types`, () => HttpResponse.json({ items: jobTypes })),
      http.get(`${other}/jobs`, () => HttpResponse.json(page([makeJob(42)]))),
      http.get(`${other}/events`, silentStream),
    );
    const tracker = await renderTracker(html`<job-tracker base-url=${other}></job-tracker>`);
    expect(rowById(tracker, '42')).to.exist;
    expect(
      requests.filter((url) => url.pathname === '/api/jobs').every((url) => url.origin === new URL(other).origin),
    ).to.equal(true);
  });

  describe('says when live updates are not coming', () => {
    const liveStatus = (tracker: HTMLElement) => text(tracker.shadowRoot!.querySelector('[part="live-status"]'));

    beforeEach(() => {
      // Quick retries that never give up for polling, so a test sees reconnections and not the fallback.
      configure({
        baseUrl: '/api',
        fetch: checkedFetch,
        live: { backoff: { startingDelay: 50, maxDelay: 200, numOfAttempts: 1000 } },
      });
    });

    it('says nothing when the stream drops and is back at once', async () => {
      const events = breakableStream();
      worker.use(events.handler);
      const tracker = await renderTracker();
      await until(() => events.opened() === 1, 'stream not opened');
      const said: string[] = [];
      const observer = new MutationObserver(() => said.push(liveStatus(tracker)));
      observer.observe(shadow(tracker), { subtree: true, childList: true, characterData: true });
      events.drop(false);
      await until(() => events.opened() === 2, 'stream not reopened');
      await pastGrace();
      observer.disconnect();
      expect(said.filter(Boolean)).to.deep.equal([]);
    });

    for (const [lang, message] of [
      ['en', 'Live updates interrupted — reconnecting…'],
      ['fr', 'Mises à jour en direct interrompues — reconnexion…'],
    ] as const) {
      it(`says so after a moment while the server is down, and no more once it is back (${lang})`, async () => {
        const events = breakableStream();
        worker.use(events.handler);
        const tracker = await renderTracker(html`<job-tracker lang=${lang}></job-tracker>`);
        await until(() => events.opened() === 1, 'stream not opened');
        expect(liveStatus(tracker)).to.equal('');
        const dropped = performance.now();
        events.drop(true);
        await until(() => liveStatus(tracker), 'nothing said', { timeout: liveOutageGraceMs + 3000 });
        expect(performance.now() - dropped, 'said before the grace').to.be.at.least(liveOutageGraceMs);
        expect(liveStatus(tracker)).to.equal(message);
        expect(shadow(tracker).querySelector('[part="live-status"]')!.getAttribute('role')).to.equal('status');
        await expect(tracker).to.be.accessible();
        events.back();
        await until(() => liveStatus(tracker) === '', 'still says live updates are interrupted');
        expect(events.opened()).to.equal(2);
      });
    }

    it('says nothing while it polls a server that offers no stream', async () => {
      worker.use(http.get('/api/events', () => problem(404, 'not_found', 'This server offers no live stream.')));
      const tracker = await renderTracker();
      await until(() => jobRequests().some((url) => url.searchParams.has('updatedAfter')), 'not polling');
      await pastGrace();
      expect(liveStatus(tracker)).to.equal('');
    });

    it('keeps saying so while it polls in place of a stream that failed, until the stream is back', async () => {
      configure({
        baseUrl: '/api',
        fetch: checkedFetch,
        live: { backoff: { startingDelay: 50, maxDelay: 50, numOfAttempts: 2 }, streamRetryInterval: 300 },
      });
      const events = breakableStream();
      worker.use(events.handler);
      events.drop(true);
      const tracker = await renderTracker();
      await until(() => jobRequests().some((url) => url.searchParams.has('updatedAfter')), 'not polling');
      await until(() => liveStatus(tracker), 'nothing said', { timeout: liveOutageGraceMs + 3000 });
      expect(liveStatus(tracker)).to.equal('Live updates interrupted — reconnecting…');
      events.back();
      await until(() => liveStatus(tracker) === '', 'still says live updates are interrupted');
    });

    it('says the live updates stopped when the server refuses the stream', async () => {
      worker.use(http.get('/api/events', () => problem(403, 'forbidden', 'You may not follow these jobs.')));
      const tracker = await renderTracker(html`<job-tracker lang="fr"></job-tracker>`);
      await until(() => liveStatus(tracker), 'nothing said', { timeout: liveOutageGraceMs + 3000 });
      expect(liveStatus(tracker)).to.equal('Mises à jour en direct arrêtées — actualisez pour voir les changements');
    });
  });
});
