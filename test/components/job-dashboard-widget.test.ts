import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { HttpResponse, http } from 'msw';
import '../../components/index.js';
import type { JobDashboardWidget, JobFinishedEvent, JobOpenEvent } from '../../components/index.js';
import type { Job } from '../../sdk/index.js';
import { firesJobOpenOnCtrlClick } from './support/clicks.js';
import { bob, makeJob, page, problem, runningJob } from './support/fixtures.js';
import { expectAccessibleInBothThemes, part, shown, text, until } from './support/follow.js';
import { holdAnswers, liveStream, requests, resetApi, violations } from './support/mock-api.js';

describe('<job-dashboard-widget>', () => {
  let listed: Job[];
  let stream: ReturnType<typeof liveStream>;

  beforeEach(async () => {
    document.documentElement.lang = 'en';
    // Times relative to the real clock, so "… ago" holds on any day the suite runs.
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    listed = [
      runningJob(1, { createdAt: ago(2) }),
      makeJob(2, { warnings: 3, createdAt: ago(5) }),
      makeJob(3, { status: 'failed', errors: 2, createdAt: ago(60) }),
    ];
    stream = liveStream();
    await resetApi(
      http.get('/api/jobs', ({ request }) => {
        const limit = Number(new URL(request.url).searchParams.get('limit'));
        return HttpResponse.json(page(listed.slice(0, limit)));
      }),
      stream.handler,
    );
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  const items = (widget: JobDashboardWidget) => [...widget.shadowRoot!.querySelectorAll('[part="item"]')];
  const ids = (widget: JobDashboardWidget) => items(widget).map((item) => item.getAttribute('data-id'));

  async function render(
    markup = html`<job-dashboard-widget limit="3" report-url="/jobs/{id}"></job-dashboard-widget>`,
  ) {
    const widget = await fixture<JobDashboardWidget>(markup);
    await until(
      () => items(widget).length > 0 || widget.shadowRoot!.querySelector('[role="alert"], .muted'),
      'not loaded',
    );
    return widget;
  }

  it('lists the user’s latest N jobs, newest first, asking only for their own', async () => {
    const widget = await render(html`<job-dashboard-widget limit="2" report-url="/jobs/{id}"></job-dashboard-widget>`);
    expect(ids(widget)).to.deep.equal(['1', '2']);
    const query = requests.find((url) => url.pathname === '/api/jobs')!.searchParams;
    expect(query.get('user')).to.equal('alice');
    expect(query.get('limit')).to.equal('2');
    expect(query.get('sort')).to.equal('-createdAt');
  });

  it('shows each job’s badge with its count, type, time and report link', async () => {
    const widget = await render();
    const [running, warned, failed] = items(widget);
    expect(text(running!.querySelector('job-status-badge')!.shadowRoot)).to.contain('Running 34%');
    expect(text(warned!.querySelector('job-status-badge')!.shadowRoot)).to.contain('3 warnings');
    expect(text(failed!.querySelector('job-status-badge')!.shadowRoot))
      .to.contain('Failed')
      .and.contain('2 errors');
    const link = warned!.querySelector<HTMLAnchorElement>('[part="link"]')!;
    expect(text(link)).to.equal('Product import');
    expect(link.getAttribute('href')).to.equal('/jobs/2');
    const time = warned!.querySelector('time')!;
    expect(time.getAttribute('datetime')).to.equal(listed[1]!.createdAt);
    expect(time.title, 'absolute time reachable').to.match(/\d/);
    expect(text(time)).to.match(/ago/);
  });

  it('fires a cancelable job-open from a report link, and none for a click meant for another tab', async () => {
    const widget = await render();
    const link = items(widget)[1]!.querySelector<HTMLAnchorElement>('[part="link"]')!;
    widget.addEventListener('job-open', (event) => event.preventDefault(), { once: true });
    const opened = oneEvent(widget, 'job-open') as Promise<JobOpenEvent>;
    link.click();
    const event = await opened;
    expect([event.job.id, event.url, event.defaultPrevented]).to.deep.equal(['2', '/jobs/2', true]);

    expect(firesJobOpenOnCtrlClick(widget, link)).to.equal(false);
  });

  it('puts a new job of the user at the top, live, keeping N', async () => {
    const widget = await render();
    await stream.open;
    await stream.send({ type: 'job.created', job: runningJob(9, { status: 'queued', startedAt: null }) });
    await until(() => ids(widget)[0] === '9', 'new job not shown');
    expect(ids(widget)).to.deep.equal(['9', '1', '2']);
  });

  it('ignores jobs of other users seen on the stream (a supervisor’s stream carries them)', async () => {
    const widget = await render();
    await stream.open;
    await stream.send({ type: 'job.created', job: runningJob(8, { user: { id: bob.id, name: bob.name } }) });
    await stream.send({
      type: 'job.progress',
      jobId: '1',
      progress: { done: 50, total: 100, percent: 50, message: null },
      warnings: 0,
      errors: 0,
    });
    await until(
      () => text(items(widget)[0]!.querySelector('job-status-badge')!.shadowRoot).includes('50%'),
      'no progress',
    );
    expect(ids(widget)).to.deep.equal(['1', '2', '3']);
  });

  it('updates a status in place and fires job-finished', async () => {
    const widget = await render();
    await stream.open;
    const finished = oneEvent(widget, 'job-finished') as Promise<JobFinishedEvent>;
    await stream.send({ type: 'job.finished', job: makeJob(1, { warnings: 1 }) });
    expect((await finished).job.id).to.equal('1');
    await widget.updateComplete;
    expect(text(items(widget)[0]!.querySelector('job-status-badge')!.shadowRoot))
      .to.contain('Succeeded')
      .and.contain('1 warning');
  });

  it('keeps an end heard live while a reload sent before it answers with the job still running', async () => {
    const widget = await render();
    await stream.open;
    const stale = [...listed];
    const reload = holdAnswers('/api/jobs', () => HttpResponse.json(page(stale)));
    await stream.send({ type: 'reset', reason: 'replay_window_exceeded' });
    await until(reload.sent, 'no reload after the reset');
    await stream.send({ type: 'job.finished', job: makeJob(1, { updatedAt: stale[0]!.updatedAt }) });
    const badge = () => text(items(widget)[0]!.querySelector('job-status-badge')!.shadowRoot);
    await until(() => badge().includes('Succeeded'), 'end not shown');
    await reload.release();
    await widget.updateComplete;
    expect(ids(widget)).to.deep.equal(['1', '2', '3']);
    expect(badge()).to.contain('Succeeded');
  });

  it('says when there is nothing yet', async () => {
    listed = [];
    const widget = await render();
    expect(shown(widget)).to.contain('No operations yet.');
    await expectAccessibleInBothThemes(widget);
  });

  it('offers a retry when loading fails', async () => {
    let fail = true;
    await resetApi(
      http.get('/api/jobs', () => (fail ? HttpResponse.error() : HttpResponse.json(page(listed)))),
      stream.handler,
    );
    const widget = await render();
    expect(shown(widget)).to.contain('could not be loaded');
    await expectAccessibleInBothThemes(widget);
    fail = false;
    widget.shadowRoot!.querySelector<HTMLButtonElement>('[role="alert"] button')!.click();
    await until(() => items(widget).length === 3, 'retry did not load');
  });

  it('says what the server said when it cannot answer', async () => {
    await resetApi(
      http.get('/api/jobs', () => problem(503, 'service_unavailable', 'The job store is out of reach.')),
      stream.handler,
    );
    const widget = await render();
    expect(shown(widget)).to.contain('could not be loaded').and.contain('The job store is out of reach.');
  });

  it('fits a 280 px sidebar: the badge gets its own line, nothing overflows', async () => {
    await setViewport({ width: 800, height: 600 });
    const widget = await render(html`<job-dashboard-widget limit="3"></job-dashboard-widget>`);
    widget.style.width = '280px';
    await widget.updateComplete;
    const base = part(widget, 'base')!;
    expect(base.scrollWidth).to.be.at.most(base.clientWidth);
    const [first] = items(widget);
    const badge = first!.querySelector('job-status-badge')!.getBoundingClientRect();
    const type = first!.querySelector('.type')!.getBoundingClientRect();
    expect(type.top, 'type below the badge').to.be.at.least(badge.bottom - 1);
  });

  it('speaks French under <html lang="fr">', async () => {
    document.documentElement.lang = 'fr';
    const widget = await render();
    expect(text(part(widget, 'title'))).to.equal('Dernières opérations');
    expect(text(items(widget)[0]!.querySelector('time'))).to.match(/il y a/);
  });

  it('passes axe with jobs listed, light and dark', async () => {
    const widget = await render(
      html`<job-dashboard-widget limit="3" report-url="/jobs/{id}" tracker-url="/jobs"></job-dashboard-widget>`,
    );
    await expectAccessibleInBothThemes(widget);
  });
});
