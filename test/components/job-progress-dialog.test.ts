import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { HttpResponse, http } from 'msw';
import '../../components/index.js';
import type { JobFinishedEvent, JobLaunchedEvent, JobOpenEvent } from '../../components/index.js';
import { JobProgressDialog } from '../../components/job-progress-dialog/job-progress-dialog.js';
import { launchAndFollow } from '../../components/job-progress-dialog/launch-and-follow.js';
import { TimeLeftEstimator } from '../../components/job-progress-dialog/time-left.js';
import type { JobDetail } from '../../sdk/index.js';
import { makeJob, problem } from './support/fixtures.js';
import {
  expectAccessibleInBothThemes,
  finishedDetail,
  part,
  runningDetail,
  shown,
  text,
  until,
} from './support/follow.js';
import { holdAnswers, liveStream, requests, resetApi, violations } from './support/mock-api.js';

/** The dialog on a clock the test moves, as Lit's own tests subclass elements rather than patch globals. */
class ClockedDialog extends JobProgressDialog {
  static time = 0;
  protected override clock(): number {
    return ClockedDialog.time;
  }
}
customElements.define('clocked-progress-dialog', ClockedDialog);

describe('<job-progress-dialog>', () => {
  let current: JobDetail;
  let stream: ReturnType<typeof liveStream>;

  beforeEach(async () => {
    document.documentElement.lang = 'en';
    current = runningDetail('7');
    stream = liveStream();
    await resetApi(
      http.get('/api/jobs/:id', ({ params }) =>
        params.id === current.id ? HttpResponse.json(current) : problem(404, 'not_found', 'No such job'),
      ),
      stream.handler,
    );
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  async function openDialog(
    attributes = html`<job-progress-dialog job-id="7" report-url="/jobs/{id}" progress-delay="0"></job-progress-dialog>`,
  ) {
    const dialog = await fixture<JobProgressDialog>(attributes);
    await dialog.show();
    await until(() => dialog.job, 'job not loaded');
    await dialog.updateComplete;
    return dialog;
  }

  it('shows the launch time, the options the user selected and the progress with its message', async () => {
    const dialog = await openDialog();
    expect(dialog.open).to.equal(true);
    expect(text(part(dialog, 'title'))).to.equal('Product import');
    const options = text(part(dialog, 'options'));
    expect(options).to.contain('File').and.contain('products.csv');
    expect(options).to.contain('Confirmation mail').and.contain('Yes');
    expect(dialog.shadowRoot!.querySelector('time')!.getAttribute('datetime')).to.equal('2026-11-23T09:15:00Z');
    expect(text(dialog.shadowRoot!.querySelector('time'))).to.match(/2026|26/);
    const bar = part<HTMLProgressElement>(dialog, 'bar')!;
    expect(bar.value).to.equal(34);
    expect(text(part(dialog, 'progress')))
      .to.contain('34%')
      .and.contain('Importing');
  });

  it('never shows 100 % before the job has ended, and floors the percent', async () => {
    current = runningDetail('7', { progress: { done: 999, total: 1000, percent: null, message: null } });
    const dialog = await openDialog();
    expect(text(part(dialog, 'progress'))).to.contain('99%');
    await stream.open;
    await stream.send({
      type: 'job.progress',
      jobId: '7',
      progress: { done: 1000, total: 1000, percent: 100, message: 'Writing' },
      warnings: 0,
      errors: 0,
    });
    await until(() => text(part(dialog, 'progress')).includes('Writing'), 'progress not applied');
    expect(text(part(dialog, 'progress')))
      .to.contain('99%')
      .and.not.contain('100%');
    expect(part<HTMLProgressElement>(dialog, 'bar')!.value).to.equal(99);
  });

  it('shows the result when the job ends, with its counts and a link to the report, and fires job-finished', async () => {
    const dialog = await openDialog();
    await stream.open;
    const finished = oneEvent(dialog, 'job-finished') as Promise<JobFinishedEvent>;
    await stream.send({ type: 'job.finished', job: makeJob(7, { warnings: 3 }) });
    expect((await finished).job.id).to.equal('7');
    await dialog.updateComplete;
    expect(part(dialog, 'progress')).to.equal(null);
    const result = shown(dialog);
    expect(result).to.contain('Succeeded').and.contain('3 warnings');
    expect(part<HTMLAnchorElement>(dialog, 'report-link')!.getAttribute('href')).to.equal('/jobs/7');
    // The options stay: they come from the detail, which events do not carry.
    expect(text(part(dialog, 'options'))).to.contain('products.csv');
  });

  describe('opening the report from the result', () => {
    /** A page with the launching button and a main area, the dialog open on a job that has ended. */
    async function finishedOnPage() {
      const host = await fixture<HTMLDivElement>(html`<div>
        <button id="opener">Import</button>
        <main tabindex="-1"></main>
        <job-progress-dialog job-id="7" report-url="/jobs/{id}" progress-delay="0"></job-progress-dialog>
      </div>`);
      const dialog = host.querySelector('job-progress-dialog')!;
      host.querySelector<HTMLButtonElement>('#opener')!.focus();
      await dialog.show();
      await until(() => dialog.job, 'job not loaded');
      await stream.open;
      await stream.send({ type: 'job.finished', job: makeJob(7) });
      await until(() => part(dialog, 'report-link'), 'no report link');
      return { dialog, main: host.querySelector('main')!, link: part<HTMLAnchorElement>(dialog, 'report-link')! };
    }

    /** Clicks the link and answers whether the browser would have followed it; the test page stays either way. */
    function click(link: HTMLAnchorElement, init: MouseEventInit = {}): boolean {
      let followed = false;
      // The last listener to see the click.
      const keepPage = (event: Event) => {
        followed = !event.defaultPrevented;
        event.preventDefault();
      };
      addEventListener('click', keepPage, { once: true });
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, ...init }));
      return followed;
    }

    it('closes when the browser follows the link, giving focus back to the opener', async () => {
      const { dialog, link } = await finishedOnPage();
      const opened: JobOpenEvent[] = [];
      dialog.addEventListener('job-open', (event) => opened.push(event));
      const closed = oneEvent(dialog, 'close');
      expect(click(link), 'link followed').to.equal(true);
      expect(opened.map(({ job, url }) => [job.id, url])).to.deep.equal([['7', '/jobs/7']]);
      expect(dialog.open).to.equal(false);
      await closed;
      expect(document.activeElement?.id).to.equal('opener');
    });

    it('closes when the host routes job-open itself, leaving focus on the page it showed', async () => {
      const { dialog, main, link } = await finishedOnPage();
      const route = (event: JobOpenEvent) => {
        event.preventDefault();
        main.focus();
      };
      document.addEventListener('job-open', route);
      try {
        const closed = oneEvent(dialog, 'close');
        expect(click(link), 'link followed after job-open was cancelled').to.equal(false);
        expect(dialog.open).to.equal(false);
        await closed;
        expect(document.activeElement?.localName, 'focus taken back from the new page').to.equal('main');
      } finally {
        document.removeEventListener('job-open', route);
      }
    });

    it('closes when the host catches the link click to route it', async () => {
      const { dialog, main, link } = await finishedOnPage();
      // As client-side routers catch same-origin link clicks, at the document.
      const route = (event: Event) => {
        event.preventDefault();
        main.focus();
      };
      document.addEventListener('click', route);
      try {
        const closed = oneEvent(dialog, 'close');
        click(link);
        expect(dialog.open).to.equal(false);
        await closed;
        expect(document.activeElement?.localName, 'focus taken back from the new page').to.equal('main');
      } finally {
        document.removeEventListener('click', route);
      }
    });

    it('stays open when the report opens in another tab or window', async () => {
      const { dialog, link } = await finishedOnPage();
      let opened = false;
      dialog.addEventListener('job-open', () => (opened = true));
      for (const modifier of ['ctrlKey', 'metaKey', 'shiftKey'])
        expect(click(link, { [modifier]: true }), `${modifier} click left to the browser`).to.equal(true);
      expect(dialog.open).to.equal(true);
      expect(opened, 'job-open fired').to.equal(false);
    });
  });

  it('goes straight to the result for a job that ends before the progress delay', async () => {
    const dialog = await openDialog(
      html`<job-progress-dialog job-id="7" progress-delay="60000"></job-progress-dialog>`,
    );
    expect(part(dialog, 'progress'), 'progress shown before the delay').to.equal(null);
    await stream.open;
    await stream.send({ type: 'job.finished', job: makeJob(7) });
    await until(() => part(dialog, 'result'), 'no result');
    expect(part(dialog, 'progress')).to.equal(null);
  });

  it('shows progress once the delay has passed', async () => {
    const dialog = await openDialog(html`<job-progress-dialog job-id="7" progress-delay="20"></job-progress-dialog>`);
    await until(() => part(dialog, 'progress'), 'progress never shown');
  });

  it('offers no cancel, and closing it neither interrupts nor deletes the job', async () => {
    const writes: string[] = [];
    await resetApi(
      http.get('/api/jobs/:id', () => HttpResponse.json(current)),
      http.post('/api/jobs/:id/interrupt', ({ request }) => {
        writes.push(request.url);
        return problem(409, 'conflict', 'not expected');
      }),
      http.delete('/api/jobs/:id', ({ request }) => {
        writes.push(request.url);
        return problem(409, 'conflict', 'not expected');
      }),
      http.post('/api/jobs/bulk', ({ request }) => {
        writes.push(request.url);
        return problem(409, 'conflict', 'not expected');
      }),
      stream.handler,
    );
    const dialog = await openDialog();
    const buttons = [...dialog.shadowRoot!.querySelectorAll('button')].map((button) => text(button));
    expect(buttons).to.deep.equal(['Close']);
    expect(text(dialog.shadowRoot)).to.contain('does not stop the job');
    part<HTMLButtonElement>(dialog, 'close')!.click();
    expect(dialog.open).to.equal(false);
    await dialog.updateComplete;
    expect(writes).to.deep.equal([]);
    expect(requests.filter((url) => url.pathname !== '/api/jobs/7' && url.pathname !== '/api/events')).to.deep.equal(
      [],
    );
  });

  it('traps focus while open and gives it back to the opener on Escape', async () => {
    const host = await fixture<HTMLDivElement>(html`<div>
      <button id="opener">Import</button>
      <job-progress-dialog job-id="7" progress-delay="0"></job-progress-dialog>
    </div>`);
    const opener = host.querySelector<HTMLButtonElement>('#opener')!;
    const dialog = host.querySelector('job-progress-dialog')!;
    opener.focus();
    await dialog.show();
    await until(() => dialog.job, 'condition not met');
    expect(dialog.shadowRoot!.activeElement, 'focus moved into the dialog').to.equal(part(dialog, 'close'));
    // The rest of the page is inert under a modal dialog: Tab cannot reach the opener.
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement).to.not.equal(opener);
    part<HTMLButtonElement>(dialog, 'close')!.focus();
    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'Escape did not close');
    expect(document.activeElement).to.equal(opener);
  });

  it('shows the live state when re-opened later for the same job', async () => {
    const dialog = await openDialog();
    dialog.close();
    current = finishedDetail('7', { status: 'failed', errors: 2 });
    await dialog.show();
    await until(() => part(dialog, 'result'), 'no result after re-opening');
    expect(shown(dialog)).to.contain('Failed').and.contain('2 errors');
  });

  it('keeps the end it heard live when a load sent before it answers later with the job still running', async () => {
    const dialog = await openDialog();
    await stream.open;
    const running = current;
    const load = holdAnswers('/api/jobs/7', () => HttpResponse.json(running));
    dialog.close();
    await dialog.show();
    await until(load.sent, 'no reload on re-opening');
    await stream.send({ type: 'job.finished', job: makeJob(7, { updatedAt: running.updatedAt }) });
    await until(() => part(dialog, 'result'), 'no result');
    await load.release();
    await dialog.updateComplete;
    expect(dialog.job?.status).to.equal('succeeded');
    expect(shown(dialog)).to.contain('Succeeded');
  });

  it('tells a waiting job’s place in the queue', async () => {
    current = runningDetail('7', {
      status: 'queued',
      startedAt: null,
      progress: { done: 0, total: null, percent: null, message: null },
      queue: { position: 3, reason: 'queued' },
    });
    const dialog = await openDialog();
    expect(text(part(dialog, 'progress'))).to.contain('Waiting: 3 jobs ahead');
    expect(part<HTMLProgressElement>(dialog, 'bar')!.hasAttribute('value'), 'indeterminate bar').to.equal(false);
  });

  it('says when a running job has given no sign of life for minutes', async () => {
    current = runningDetail('7', { lastHeartbeatAt: new Date(Date.now() - 5 * 60_000 - 5000).toISOString() });
    const dialog = await openDialog();
    expect(text(part(dialog, 'progress'))).to.contain('No update for 5 min');
  });

  it('counts the seconds of an interrupt in progress', async () => {
    current = runningDetail('7', {
      status: 'interrupting',
      interruptRequestedAt: new Date(Date.now() - 12_400).toISOString(),
    });
    const dialog = await openDialog();
    expect(text(part(dialog, 'progress'))).to.match(/Stopping… 1[23] sec/);
  });

  it('shows the time left only once the rate is steady', async () => {
    ClockedDialog.time = 0;
    current = runningDetail('7', { progress: { done: 0, total: 1000, percent: 0, message: null } });
    const dialog = await openDialog(
      html`<clocked-progress-dialog job-id="7" progress-delay="0"></clocked-progress-dialog>`,
    );
    const timeLeft = () => dialog.shadowRoot!.querySelector('.time-left');
    await stream.open;
    for (let step = 1; step <= 4; step++) {
      // Three seconds of samples at least, before any guess.
      if (step <= 3) expect(timeLeft(), `time left shown after ${step - 1} s`).to.equal(null);
      ClockedDialog.time += 1000;
      await stream.send({
        type: 'job.progress',
        jobId: '7',
        progress: { done: step * 100, total: 1000, percent: step * 10, message: `step ${step}` },
        warnings: 0,
        errors: 0,
      });
      await until(() => text(part(dialog, 'progress')).includes(`step ${step}`), `step ${step} not applied`);
    }
    // 400 of 1000 after 4 s at a steady 100/s: 6 s left.
    expect(text(timeLeft())).to.equal('About 6 sec left');
  });

  it('says plainly when the job does not exist or is not the user’s', async () => {
    const dialog = await fixture<JobProgressDialog>(html`<job-progress-dialog job-id="404"></job-progress-dialog>`);
    await dialog.show();
    await until(() => shown(dialog).includes('not yours'), 'no not-found state');
    await expectAccessibleInBothThemes(dialog);
  });

  it('offers a retry when loading fails', async () => {
    let fail = true;
    await resetApi(
      http.get('/api/jobs/:id', () => (fail ? HttpResponse.error() : HttpResponse.json(current))),
      stream.handler,
    );
    const dialog = await fixture<JobProgressDialog>(html`<job-progress-dialog job-id="7"></job-progress-dialog>`);
    await dialog.show();
    await until(() => shown(dialog).includes('could not be loaded'), 'no error state');
    fail = false;
    [...dialog.shadowRoot!.querySelectorAll('button')].find((button) => text(button) === 'Retry')!.click();
    await until(() => dialog.job, 'retry did not load');
  });

  it('says what the server said when it cannot answer', async () => {
    await resetApi(
      http.get('/api/jobs/:id', () => problem(503, 'service_unavailable', 'The job store is out of reach.')),
      stream.handler,
    );
    const dialog = await fixture<JobProgressDialog>(html`<job-progress-dialog job-id="7"></job-progress-dialog>`);
    await dialog.show();
    await until(() => shown(dialog).includes('could not be loaded'), 'no error state');
    expect(shown(dialog)).to.contain('The job store is out of reach.');
  });

  it('launchAndFollow launches, opens a dialog on the new job, fires job-launched and returns the job', async () => {
    const launched: unknown[] = [];
    await resetApi(
      http.post('/api/jobs', async ({ request }) => {
        launched.push(await request.json());
        return HttpResponse.json(current, { status: 202 });
      }),
      http.get('/api/jobs/:id', () => HttpResponse.json(current)),
      stream.handler,
    );
    const seen = oneEvent(document, 'job-launched') as Promise<JobLaunchedEvent>;
    const job = await launchAndFollow(
      'product-import',
      { file: 'products.csv' },
      { notifyByEmail: true, reportUrl: '/r/{id}' },
    );
    expect(job.id).to.equal('7');
    expect((await seen).job.id).to.equal('7');
    expect(launched).to.deep.equal([{ type: 'product-import', params: { file: 'products.csv' }, notifyByEmail: true }]);
    const dialog = document.body.querySelector('job-progress-dialog')!;
    expect(dialog.open).to.equal(true);
    expect(dialog.reportUrl).to.equal('/r/{id}');
    const closed = oneEvent(dialog, 'close');
    dialog.close();
    await closed;
    expect(document.body.querySelector('job-progress-dialog'), 'dialog left behind').to.equal(null);
  });

  it('speaks French under <html lang="fr">', async () => {
    document.documentElement.lang = 'fr';
    const dialog = await openDialog();
    expect(text(dialog.shadowRoot)).to.contain('Lancé le').and.contain('Avancement').and.contain('34 %');
    expect(text(part(dialog, 'close'))).to.equal('Fermer');
  });

  it('passes axe while running and once finished, light and dark', async () => {
    const dialog = await openDialog();
    await expectAccessibleInBothThemes(dialog);
    await stream.open;
    await stream.send({ type: 'job.finished', job: makeJob(7, { status: 'failed', errors: 1 }) });
    await until(() => part(dialog, 'result'), 'condition not met');
    await expectAccessibleInBothThemes(dialog);
  });
});

describe('TimeLeftEstimator', () => {
  it('answers nothing before enough samples over long enough', () => {
    const estimator = new TimeLeftEstimator();
    estimator.add(0, 0);
    estimator.add(10, 1000);
    expect(estimator.estimate(100, 1000)).to.equal(undefined);
  });

  it('estimates from a steady rate', () => {
    const estimator = new TimeLeftEstimator();
    for (let second = 0; second <= 4; second++) estimator.add(second * 10, second * 1000);
    // 40 of 100 done at 10 units/s: 6 s left.
    expect(estimator.estimate(100, 4000)).to.equal(6000);
    expect(estimator.estimate(100, 5000)).to.equal(5000);
  });

  it('answers nothing while the rate swings', () => {
    const estimator = new TimeLeftEstimator();
    for (const [second, done] of [0, 1, 2, 30, 80].entries()) estimator.add(done, second * 1000);
    expect(estimator.estimate(100, 4000)).to.equal(undefined);
  });

  it('starts over when progress goes back (a new attempt)', () => {
    const estimator = new TimeLeftEstimator();
    for (let second = 0; second <= 4; second++) estimator.add(second * 10, second * 1000);
    estimator.add(0, 5000);
    expect(estimator.estimate(100, 5000)).to.equal(undefined);
  });
});
