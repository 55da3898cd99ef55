import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { HttpResponse, http } from 'msw';
import '../../components/index.js';
import { type JobFinishedEvent, type JobReport, registerLocale } from '../../components/index.js';
import type { JobMessage, JobReport as JobReportData } from '../../sdk/index.js';
import { makeJob, page, problem, runningJob } from './support/fixtures.js';
import {
  expectAccessibleInBothThemes,
  finishedDetail,
  notification,
  part,
  runningDetail,
  shown,
  text,
  until,
} from './support/follow.js';
import { liveStream, requests, resetApi, violations } from './support/mock-api.js';

function message(id: number, level: JobMessage['level'] = 'warning'): JobMessage {
  return {
    id: String(id),
    level,
    message: level === 'error' ? 'SKU is missing' : 'Price is not a number',
    item: { row: id + 1, sku: `AB-${id}`, price: 'twelve' },
    step: 'validate',
    at: '2026-11-23T09:15:20Z',
  };
}

function reportOf(
  job = finishedDetail('7', { warnings: 3, user: { id: 'bob', name: 'Bob Durand' }, host: 'worker-b' }),
): JobReportData {
  return {
    job,
    steps: [
      {
        name: 'validate',
        label: 'Validate rows',
        status: 'succeeded',
        startedAt: '2026-11-23T09:15:01Z',
        endedAt: '2026-11-23T09:15:40Z',
        counters: { read: 1000, skipped: 3 },
      },
      {
        name: 'write',
        label: 'Write products',
        status: 'succeeded',
        startedAt: '2026-11-23T09:15:40Z',
        endedAt: '2026-11-23T09:16:12Z',
        counters: { written: 997 },
      },
    ],
    messageCounts: { info: 4, warning: 3, error: 0 },
    artifacts: [
      {
        name: 'input.csv',
        role: 'input',
        fileName: 'products.csv',
        contentType: 'text/csv',
        size: 20480,
        createdAt: '2026-11-23T09:15:00Z',
      },
    ],
  };
}

describe('<job-report>', () => {
  let report: JobReportData;
  let messages: JobMessage[];
  let stream: ReturnType<typeof liveStream>;

  beforeEach(async () => {
    document.documentElement.lang = 'en';
    report = reportOf();
    messages = [1, 2, 3].map((id) => message(id));
    stream = liveStream();
    await resetApi(
      http.get('/api/jobs/:id/report', ({ params }) =>
        params.id === report.job.id ? HttpResponse.json(report) : problem(404, 'not_found', 'No such job'),
      ),
      http.get('/api/jobs/:id/messages', ({ request }) => {
        const query = new URL(request.url).searchParams;
        const levels = query.get('level')?.split(',');
        const matching = messages.filter((item) => !levels || levels.includes(item.level));
        const from = Number(query.get('cursor') ?? 0);
        const limit = Number(query.get('limit') ?? 50);
        const next = from + limit < matching.length ? String(from + limit) : null;
        return HttpResponse.json({ items: matching.slice(from, from + limit), nextCursor: next });
      }),
      stream.handler,
    );
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  const messageItems = (element: JobReport) => [...element.shadowRoot!.querySelectorAll('[part="message"]')];

  async function render(markup = html`<job-report job-id="7"></job-report>`) {
    const element = await fixture<JobReport>(markup);
    await until(() => part(element, 'summary') || element.shadowRoot!.querySelector('[role="alert"]'), 'not loaded');
    await until(() => !element.shadowRoot!.querySelector('[part="messages"] [role="status"]'), 'messages not loaded');
    return element;
  }

  it('summarises the job: badge, type, user, times, waiting and processing, host, options', async () => {
    const element = await render();
    const summary = shown(element);
    expect(summary).to.contain('Succeeded').and.contain('3 warnings');
    const fields = text(part(element, 'summary-fields'));
    for (const expected of [
      'Product import',
      'Bob Durand',
      'worker-b',
      'Waiting',
      '1 sec',
      'Processing',
      '1 min 11 sec',
      'File',
      'products.csv',
      'Confirmation mail',
    ]) {
      expect(fields).to.contain(expected);
    }
    expect(element.shadowRoot!.querySelectorAll('[part="summary-fields"] time').length).to.equal(3);
  });

  /** The value next to a summary label, or null when the label is not there. */
  function field(element: JobReport, label: string): HTMLElement | null {
    const term = [...element.shadowRoot!.querySelectorAll('[part="summary-fields"] dt')].find(
      (dt) => text(dt) === label,
    );
    return (term?.nextElementSibling as HTMLElement | null) ?? null;
  }

  it('says until when a finished job is kept, in the time zone and language of the report', async () => {
    report = reportOf(finishedDetail('7', { keptUntil: '2026-12-23T09:16:12Z' }));
    const element = await render(html`<job-report job-id="7" time-zone="Europe/Paris"></job-report>`);
    const kept = field(element, 'Kept until')!.querySelector('time')!;
    expect(text(kept)).to.equal('12/23/26, 10:16:12 AM');
    expect(kept.getAttribute('datetime')).to.equal('2026-12-23T09:16:12Z');
    await expectAccessibleInBothThemes(element);
    document.documentElement.lang = 'fr';
    await until(() => field(element, 'Conservé jusqu’au'), 'label not translated');
    expect(text(field(element, 'Conservé jusqu’au'))).to.equal('23/12/2026 10:16:12');
  });

  it('leaves out "kept until" while the job runs and when it is kept forever', async () => {
    const element = await render();
    expect(shown(element)).to.contain('Ended').and.not.contain('Kept until');
    report = reportOf(runningDetail('7'));
    element.reload();
    await until(() => shown(element).includes('Running'), 'running job not shown');
    expect(shown(element)).not.to.contain('Kept until');
  });

  it('lists the steps with status, times and counters', async () => {
    const element = await render();
    const rows = [...element.shadowRoot!.querySelectorAll('[part="step"]')];
    expect(rows.map((row) => text(row.querySelector('th')))).to.deep.equal(['Validate rows', 'Write products']);
    expect(text(rows[0]!.querySelector('.counters'))).to.equal('1,000 read · 3 skipped');
    expect(text(rows[1]!.querySelector('.counters'))).to.equal('997 written');
    expect(text(rows[0])).to.contain('39 sec');
  });

  it('labels a job type’s own counters from registerLocale(), beside the kit’s, and shows an unlabelled one by name', async () => {
    registerLocale('en', { follow: { counterNames: { iterations: 'rounds' } } });
    const withOwnCounters = reportOf();
    withOwnCounters.steps[0]!.counters = { read: 2, iterations: 5, constructor: 1 };
    report = withOwnCounters;
    const element = await render();
    const row = element.shadowRoot!.querySelector('[part="step"]');
    expect(text(row!.querySelector('.counters'))).to.equal('2 read · 5 rounds · 1 constructor');
  });

  it('shows warnings with the offending item readably, paged with "load more"', async () => {
    messages = Array.from({ length: 5 }, (_, index) => message(index + 1, index === 4 ? 'error' : 'warning'));
    const element = await render(html`<job-report job-id="7" page-size="2"></job-report>`);
    expect(messageItems(element).length).to.equal(2);
    const first = messageItems(element)[0]!;
    expect(text(first)).to.contain('Warning').and.contain('Price is not a number');
    expect([...first.querySelectorAll('dl.item dt')].map((dt) => text(dt))).to.deep.equal(['row', 'sku', 'price']);
    expect([...first.querySelectorAll('dl.item dd')].map((dd) => text(dd))).to.deep.equal(['2', 'AB-1', 'twelve']);
    part<HTMLButtonElement>(element, 'load-more')!.click();
    await until(() => messageItems(element).length === 4, 'second page not appended');
    part<HTMLButtonElement>(element, 'load-more')!.click();
    await until(() => messageItems(element).length === 5, 'last page not appended');
    expect(part(element, 'load-more')).to.equal(null);
    const cursors = requests
      .filter((url) => url.pathname.endsWith('/messages'))
      .map((url) => url.searchParams.get('cursor'));
    expect(cursors).to.deep.equal([null, '2', '4']);
    expect(requests.find((url) => url.pathname.endsWith('/messages'))!.searchParams.get('level')).to.equal(
      'warning,error',
    );
  });

  it('filters messages by level', async () => {
    messages = [message(1), message(2, 'error'), message(3, 'info')];
    const element = await render();
    const select = element.shadowRoot!.querySelector('select')!;
    select.value = 'error';
    select.dispatchEvent(new Event('change'));
    await until(() => messageItems(element).length === 1, 'not filtered');
    expect(text(messageItems(element)[0])).to.contain('SKU is missing');
    select.value = 'all';
    select.dispatchEvent(new Event('change'));
    await until(() => messageItems(element).length === 3, 'not all shown');
  });

  it('links each file for download', async () => {
    const element = await render();
    const link = part<HTMLAnchorElement>(element, 'file-link')!;
    expect(link.getAttribute('href')).to.equal('/api/jobs/7/artifacts/input.csv');
    expect(link.getAttribute('download')).to.equal('products.csv');
    expect(text(part(element, 'files')))
      .to.contain('Input file')
      .and.contain('20.5 kB');
  });

  it('gives each file’s size with a unit that agrees with the number, in English and in French', async () => {
    const [input] = reportOf().artifacts;
    report.artifacts = [1, 297, 20480, 3_500_000].map((size) => ({ ...input!, name: `${size}.csv`, size }));
    const sizes = (element: JobReport) =>
      [...part(element, 'files')!.querySelectorAll('.muted')].map((line) => text(line).split(' · ')[1]);
    const element = await render();
    expect(sizes(element)).to.deep.equal(['1 byte', '297 bytes', '20.5 kB', '3.5 MB']);
    document.documentElement.lang = 'fr';
    await until(() => sizes(element)[0] === '1 octet', 'sizes not translated');
    expect(sizes(element)).to.deep.equal(['1 octet', '297 octets', '20,5 ko', '3,5 Mo']);
  });

  it('says plainly when the job does not exist or is not the user’s', async () => {
    const element = await render(html`<job-report job-id="404"></job-report>`);
    expect(shown(element)).to.contain('does not exist, or it is not yours');
    await expectAccessibleInBothThemes(element);
  });

  it('offers a retry when loading fails', async () => {
    let fail = true;
    await resetApi(
      http.get('/api/jobs/:id/report', () => (fail ? HttpResponse.error() : HttpResponse.json(report))),
      http.get('/api/jobs/:id/messages', () => HttpResponse.json({ items: [], nextCursor: null })),
      stream.handler,
    );
    const element = await render();
    expect(shown(element)).to.contain('could not be loaded');
    await expectAccessibleInBothThemes(element);
    fail = false;
    element.shadowRoot!.querySelector<HTMLButtonElement>('[role="alert"] button')!.click();
    await until(() => part(element, 'summary'), 'retry did not load');
    expect(shown(element)).to.contain('No messages.');
  });

  it('is live while the job runs: progress in place, everything reloaded when it ends', async () => {
    report = reportOf(runningDetail('7'));
    const element = await render();
    await stream.open;
    expect(shown(element)).to.contain('Running 34%');
    await stream.send({
      type: 'job.progress',
      jobId: '7',
      progress: { done: 80, total: 100, percent: 80, message: 'Writing' },
      warnings: 1,
      errors: 0,
    });
    await until(() => shown(element).includes('Running 80%'), 'progress not shown');
    report = reportOf();
    const finished = oneEvent(element, 'job-finished') as Promise<JobFinishedEvent>;
    await stream.send({ type: 'job.finished', job: makeJob(7, { warnings: 3 }) });
    expect((await finished).job.id).to.equal('7');
    await until(() => shown(element).includes('Succeeded'), 'end not shown');
    expect(element.shadowRoot!.querySelector('progress')).to.equal(null);
  });

  it('keeps the report shown when a live reload fails, and says why', async () => {
    report = reportOf(runningDetail('7'));
    let fail = false;
    await resetApi(
      http.get('/api/jobs/:id/report', () =>
        fail ? problem(503, 'service_unavailable', 'The job store is out of reach.') : HttpResponse.json(report),
      ),
      http.get('/api/jobs/:id/messages', () => HttpResponse.json({ items: [], nextCursor: null })),
      stream.handler,
    );
    const element = await render();
    await stream.open;
    fail = true;
    await stream.send({ type: 'job.updated', job: makeJob(7, { status: 'running', endedAt: null }) });
    await until(() => element.shadowRoot!.querySelector('[part="summary"] [role="alert"]'), 'failure not shown');
    expect(shown(element)).to.contain('Validate rows').and.contain('The job store is out of reach.');
    fail = false;
    await stream.send({ type: 'job.updated', job: makeJob(7, { status: 'running', endedAt: null }) });
    await until(() => !element.shadowRoot!.querySelector('[part="summary"] [role="alert"]'), 'failure still shown');
  });

  it('says so when the job shown is deleted', async () => {
    const element = await render();
    await stream.open;
    report = reportOf(finishedDetail('8'));
    await stream.send({ type: 'job.deleted', jobId: '7' });
    await until(() => shown(element).includes('does not exist'), 'deletion not shown');
    expect(part(element, 'summary')).to.equal(null);
  });

  it('speaks French under <html lang="fr">', async () => {
    document.documentElement.lang = 'fr';
    const element = await render();
    const all = shown(element);
    for (const expected of ['Étapes', 'Avertissements et erreurs', 'Fichiers', 'lus', 'Avertissement'])
      expect(all).to.contain(expected);
  });

  it('passes axe with steps, messages and files, light and dark', async () => {
    const element = await render();
    await expectAccessibleInBothThemes(element);
  });
});

// Last in this file: a CSP cannot be lifted from a page once set, so it must not reach the tests above.
describe('the dialog, toasts, widget and report under a strict Content Security Policy', () => {
  it("render with `style-src 'self'` and no violation", async () => {
    const blocked: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => blocked.push(event.violatedDirective));
    const policy = document.createElement('meta');
    policy.httpEquiv = 'Content-Security-Policy';
    policy.content = "style-src 'self'";
    document.head.append(policy);

    const report = reportOf();
    await resetApi(
      http.get('/api/jobs/:id/report', () => HttpResponse.json(report)),
      http.get('/api/jobs/:id/messages', () => HttpResponse.json({ items: [message(1)], nextCursor: 'next' })),
      http.get('/api/jobs/:id', () => HttpResponse.json(runningDetail('8'))),
      http.get('/api/jobs', () => HttpResponse.json(page([runningJob(8), makeJob(7)]))),
      http.get('/api/notifications', () =>
        HttpResponse.json({ items: [notification('n1', '7', { warnings: 3 })], nextCursor: null, unread: 1 }),
      ),
    );
    const host = await fixture<HTMLElement>(html`<div>
      <job-dashboard-widget theme="dark" report-url="/jobs/{id}"></job-dashboard-widget>
      <job-report job-id="7"></job-report>
      <job-toasts duration="0" group-window="10" report-url="/jobs/{id}"></job-toasts>
      <job-progress-dialog job-id="8" progress-delay="0"></job-progress-dialog>
    </div>`);
    const dialog = host.querySelector('job-progress-dialog')!;
    await dialog.show();
    await until(() => part(dialog, 'progress'), 'no progress in the dialog');
    await until(() => part(host.querySelector('job-report')!, 'message'), 'no report');
    await until(() => part(host.querySelector('job-toasts')!, 'toast'), 'no toast');
    await until(() => part(host.querySelector('job-dashboard-widget')!, 'item'), 'no widget items');
    dialog.close();

    expect(blocked).to.deep.equal([]);
    expect(violations.join('\n')).to.equal('');
  });
});
