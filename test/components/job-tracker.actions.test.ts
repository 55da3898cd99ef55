import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { HttpResponse, http } from 'msw';
import type { JobTracker } from '../../components/job-tracker/job-tracker.js';
import { configure } from '../../components/shared/config.js';
import type { JobActionEvent, JobOpenEvent } from '../../components/shared/events.js';
import { firesJobOpenOnCtrlClick } from './support/clicks.js';
import { alice, bob, detail, makeJob, page, problem, runningJob } from './support/fixtures.js';
import { checkedFetch, liveStream, resetApi, silentStream, violations, worker } from './support/mock-api.js';
import { button, cell, html, notice, renderTracker, rowById, rows, shadow, text, until } from './support/tracker.js';

const others = makeJob(3, {
  user: { id: 'bob', name: 'Bob Durand' },
  can: { requeue: false, interrupt: false, delete: false },
});
const listed = [makeJob(1), runningJob(2), others, makeJob(4)];

function dialog(tracker: JobTracker): HTMLDialogElement {
  return shadow(tracker).querySelector('dialog')!;
}

async function answerDialog(tracker: JobTracker, label: string): Promise<void> {
  await until(() => dialog(tracker).open, 'no confirmation dialog');
  button(dialog(tracker), label).click();
}

const bodies: string[] = [];
function recorded(method: string, path: string, respond: (body: unknown) => Response | Promise<Response>) {
  const verb = method === 'POST' ? http.post : http.delete;
  return verb(path, async ({ request }) => {
    const text = await request.text();
    bodies.push(`${method} ${new URL(request.url).pathname} ${text}`);
    return respond(text ? JSON.parse(text) : undefined);
  });
}

describe('<job-tracker> actions', () => {
  beforeEach(async () => {
    history.replaceState(null, '', location.pathname);
    localStorage.clear();
    bodies.length = 0;
    await resetApi(http.get('/api/jobs', () => HttpResponse.json(page(listed))));
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  it('offers only the actions each job allows, and none on a job the user may not manage', async () => {
    const tracker = await renderTracker();
    const actions = (id: string) =>
      [...rowById(tracker, id)!.querySelectorAll('td.actions button')].map((b) => text(b).split(' ')[0]);
    expect(actions('1')).to.deep.equal(['Requeue', 'Delete']);
    expect(actions('2')).to.deep.equal(['Interrupt']);
    expect(actions('3')).to.deep.equal([]);
  });

  it('requeues one job with POST /jobs/{id}/requeue, without asking, and says so', async () => {
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('POST', '/api/jobs/1/requeue', () =>
        HttpResponse.json(detail(makeJob(9, { status: 'queued' })), { status: 202 }),
      ),
    );
    const tracker = await renderTracker();
    const action = oneEvent(tracker, 'job-action') as Promise<JobActionEvent>;
    button(rowById(tracker, '1')!, 'Requeue').click();
    const event = await action;
    expect(event.action).to.equal('requeue');
    expect(event.outcomes).to.have.length(1);
    expect(bodies).to.deep.equal(['POST /api/jobs/1/requeue ']);
    await until(() => notice(tracker).includes('Job 1 requeued.'), notice(tracker));
  });

  it('a second click on Requeue while the first request runs sends nothing: one new job, not two', async () => {
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('POST', '/api/jobs/1/requeue', async () => {
        await answered;
        return HttpResponse.json(detail(makeJob(9, { status: 'queued' })), { status: 202 });
      }),
    );
    const tracker = await renderTracker();
    const action = oneEvent(tracker, 'job-action') as Promise<JobActionEvent>;
    button(rowById(tracker, '1')!, 'Requeue').click();
    await until(() => bodies.length === 1, 'the first request');
    button(rowById(tracker, '1')!, 'Requeue').click();
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer();
    await action;
    expect(bodies).to.deep.equal(['POST /api/jobs/1/requeue ']);
  });

  it('interrupts a running job with POST /jobs/{id}/interrupt and shows its new status in place', async () => {
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('POST', '/api/jobs/2/interrupt', () =>
        HttpResponse.json(
          detail(runningJob(2, { status: 'interrupting', can: { requeue: false, interrupt: false, delete: false } })),
          {
            status: 202,
          },
        ),
      ),
    );
    const tracker = await renderTracker();
    button(rowById(tracker, '2')!, 'Interrupt').click();
    await until(() => cell(rowById(tracker, '2')!, 'status').includes('Stopping'), 'status not updated');
    expect(bodies).to.deep.equal(['POST /api/jobs/2/interrupt ']);
    expect(notice(tracker)).to.contain('Job 2 interrupted.');
  });

  it('deletes one job after confirmation, removes its row and focuses the next row', async () => {
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('DELETE', '/api/jobs/1', () => new HttpResponse(null, { status: 204 })),
    );
    const tracker = await renderTracker();
    button(rowById(tracker, '1')!, 'Delete').click();
    await answerDialog(tracker, 'Delete');
    await until(() => !rowById(tracker, '1'), 'row still there');
    expect(bodies).to.deep.equal(['DELETE /api/jobs/1 ']);
    await until(() => shadow(tracker).activeElement === rowById(tracker, '2'), 'focus not on the next row');
    expect(notice(tracker)).to.contain('Job 1 deleted.');
  });

  it('counts a deleted job out of the total it shows', async () => {
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('DELETE', '/api/jobs/1', () => new HttpResponse(null, { status: 204 })),
    );
    const tracker = await renderTracker();
    const status = () => text(shadow(tracker).querySelector('[part="status"]'));
    expect(status()).to.equal('4 jobs');
    button(rowById(tracker, '1')!, 'Delete').click();
    await answerDialog(tracker, 'Delete');
    await until(() => !rowById(tracker, '1'), 'row still there');
    await tracker.updateComplete;
    expect(status()).to.equal('3 jobs');
  });

  it('does nothing when the deletion is cancelled, and gives focus back', async () => {
    const tracker = await renderTracker();
    button(rowById(tracker, '1')!, 'Delete').click();
    await answerDialog(tracker, 'Cancel');
    await until(() => shadow(tracker).activeElement === rowById(tracker, '1'), 'focus lost');
    expect(bodies).to.deep.equal([]);
    expect(rowById(tracker, '1')).to.exist;
  });

  it('shows the detail of a 409 problem when the server refuses', async () => {
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('DELETE', '/api/jobs/1', () => problem(409, 'job_not_finished', 'Job 1 has not finished yet.')),
    );
    const tracker = await renderTracker();
    button(rowById(tracker, '1')!, 'Delete').click();
    await answerDialog(tracker, 'Delete');
    await until(() => notice(tracker).includes('Job 1 has not finished yet.'), notice(tracker));
    expect(rowById(tracker, '1')).to.exist;
  });

  for (const action of ['requeue', 'interrupt', 'delete'] as const) {
    it(`${action}s a selection in bulk after confirmation, with the result per job`, async () => {
      const jobs = [1, 2, 4].map((id) => makeJob(id, { can: { requeue: true, interrupt: true, delete: true } }));
      await resetApi(
        http.get('/api/jobs', () => HttpResponse.json(page(jobs))),
        recorded('POST', '/api/jobs/bulk', () =>
          HttpResponse.json({
            action,
            results: [
              { id: '1', ok: true, ...(action === 'delete' ? {} : { job: makeJob(action === 'requeue' ? 7 : 1) }) },
              {
                id: '4',
                ok: false,
                problem: {
                  type: 'about:blank',
                  title: 'Conflict',
                  status: 409,
                  code: 'job_finished',
                  detail: 'Job 4 cannot be changed now.',
                },
              },
            ],
            succeeded: 1,
            failed: 1,
          }),
        ),
      );
      const tracker = await renderTracker();
      // Shift-click selects the range 1–4, then job 2 is taken out again.
      rowById(tracker, '1')!.querySelector('input')!.click();
      rowById(tracker, '4')!
        .querySelector('input')!
        .dispatchEvent(new MouseEvent('click', { shiftKey: true, bubbles: true }));
      await tracker.updateComplete;
      expect(tracker.selection.size).to.equal(3);
      rowById(tracker, '2')!.querySelector('input')!.click();
      await tracker.updateComplete;
      const bar = shadow(tracker).querySelector('[part="bulk-bar"]')!;
      button(bar, { requeue: 'Requeue', interrupt: 'Interrupt', delete: 'Delete' }[action]).click();
      await answerDialog(tracker, { requeue: 'Requeue', interrupt: 'Interrupt', delete: 'Delete' }[action]);
      await until(() => notice(tracker).includes('1 refused'), notice(tracker));
      expect(bodies).to.deep.equal([`POST /api/jobs/bulk ${JSON.stringify({ action, ids: ['1', '4'] })}`]);
      expect(notice(tracker)).to.contain('Job 4: Job 4 cannot be changed now.');
      expect(notice(tracker)).to.match(/Job 1 (requeued|interrupted|deleted)\./);
      expect(!!rowById(tracker, '1')).to.equal(action !== 'delete');
      expect(shadow(tracker).activeElement?.matches('tr[part="row"]')).to.equal(true);
    });
  }

  it('sends nothing when a bulk action is cancelled', async () => {
    const tracker = await renderTracker();
    shadow(tracker).querySelector<HTMLInputElement>('thead input')!.click();
    await tracker.updateComplete;
    expect(tracker.selection.size).to.equal(4);
    button(shadow(tracker).querySelector('[part="bulk-bar"]')!, 'Delete').click();
    await answerDialog(tracker, 'Cancel');
    await until(() => !dialog(tracker).open);
    expect(bodies).to.deep.equal([]);
  });

  it('forgets the selection, the changes waiting and the confirmation under way when the user switches', async () => {
    const supervisor = { ...alice, permissions: ['jobs:read:own', 'jobs:read:any', 'jobs:manage:any'] } as const;
    const carols = [5, 6, 7].map((id) => makeJob(id, { user: { id: 'carol', name: 'Carol Petit' } }));
    const bobs = [makeJob(8, { user: { id: 'bob', name: 'Bob Durand' } })];
    const isBob = (request: Request) => request.headers.get('Authorization') === 'Bearer bob';
    const stream = liveStream();
    await resetApi(
      http.get('/api/me', ({ request }) =>
        HttpResponse.json(isBob(request) ? { ...bob, permissions: ['jobs:read:own'] } : supervisor),
      ),
      http.get('/api/jobs', ({ request }) => HttpResponse.json(page(isBob(request) ? bobs : carols))),
      recorded('POST', '/api/jobs/bulk', () => problem(500, 'internal', 'Not expected.')),
      stream.handler,
    );
    configure({ baseUrl: '/api', fetch: checkedFetch, headers: { Authorization: 'Bearer supervisor' } });
    const tracker = await renderTracker();
    await stream.open;
    shadow(tracker).querySelector<HTMLInputElement>('thead input')!.click();
    await stream.send({ type: 'job.created', job: makeJob(4, { user: { id: 'carol', name: 'Carol Petit' } }) });
    await until(() => shadow(tracker).querySelector('[part="pending"]'), 'no pending changes');
    button(shadow(tracker).querySelector('[part="bulk-bar"]')!, 'Requeue (3)').click();
    await until(() => dialog(tracker).open, 'no confirmation dialog');
    let actions = 0;
    tracker.addEventListener('job-action', () => actions++);

    // The host app signs Bob in.
    configure({ baseUrl: '/api', fetch: checkedFetch, headers: { Authorization: 'Bearer bob' } });
    await until(() => rowById(tracker, '8'), 'Bob’s jobs not loaded');
    expect(tracker.selection.size, 'selected jobs').to.equal(0);
    expect(shadow(tracker).querySelector('[part="bulk-bar"]'), 'bulk bar').to.equal(null);
    expect(shadow(tracker).querySelector('[part="pending"]'), 'pending changes').to.equal(null);
    expect(dialog(tracker).open, 'confirmation dialog').to.equal(false);
    expect(bodies, 'requests sent').to.deep.equal([]);
    expect(actions, 'job-action events').to.equal(0);
  });

  it('forgets the selection when its base-url changes', async () => {
    const other = `${location.protocol}//127.0.0.1:${location.port}/api`;
    worker.use(
      http.get(`${other}/me`, () => HttpResponse.json({ ...bob, permissions: ['jobs:read:own'] })),
      http.get(`${other}/job-types`, () => HttpResponse.json({ items: [] })),
      http.get(`${other}/jobs`, () => HttpResponse.json(page([makeJob(42)]))),
      http.get(`${other}/events`, silentStream),
    );
    const tracker = await renderTracker();
    shadow(tracker).querySelector<HTMLInputElement>('thead input')!.click();
    await tracker.updateComplete;
    expect(tracker.selection.size).to.equal(4);
    tracker.baseUrl = other;
    await until(() => rowById(tracker, '42'), 'the other API’s jobs not loaded');
    expect(tracker.selection.size).to.equal(0);
    expect(shadow(tracker).querySelector('[part="bulk-bar"]')).to.equal(null);
  });

  it('fires a cancelable job-open, and links to the report by default', async () => {
    const tracker = await renderTracker(html`<job-tracker report-url="/reports/{id}"></job-tracker>`);
    const link = rowById(tracker, '1')!.querySelector<HTMLAnchorElement>('a[part="report-link"]')!;
    expect(link.getAttribute('href')).to.equal('/reports/1');
    tracker.addEventListener('job-open', (e) => e.preventDefault(), { once: true });
    const opened = oneEvent(tracker, 'job-open') as Promise<JobOpenEvent>;
    link.click();
    const event = await opened;
    expect(event.job.id).to.equal('1');
    expect(event.url).to.equal('/reports/1');
    expect(event.defaultPrevented).to.equal(true);

    // Ctrl-click (another tab): left to the browser, so a host routing on job-open cannot swallow it.
    expect(firesJobOpenOnCtrlClick(tracker, link)).to.equal(false);
  });

  it('is operable from the keyboard: arrows move, Space selects, Enter opens, Delete deletes', async () => {
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page(listed))),
      recorded('DELETE', '/api/jobs/4', () => new HttpResponse(null, { status: 204 })),
    );
    const tracker = await renderTracker();
    const rowAt = (index: number) => rows(tracker)[index]!;
    rowAt(0).focus();
    await sendKeys({ press: 'ArrowDown' });
    await until(() => shadow(tracker).activeElement === rowAt(1), 'ArrowDown did not move');
    await sendKeys({ press: 'End' });
    await until(() => shadow(tracker).activeElement === rowAt(3), 'End did not move');
    await sendKeys({ press: 'Space' });
    await tracker.updateComplete;
    expect([...tracker.selection.keys()]).to.deep.equal(['4']);
    tracker.addEventListener('job-open', (e) => e.preventDefault(), { once: true });
    const opened = oneEvent(tracker, 'job-open') as Promise<JobOpenEvent>;
    await sendKeys({ press: 'Enter' });
    expect((await opened).job.id).to.equal('4');
    await sendKeys({ press: 'Delete' });
    await until(() => dialog(tracker).open, 'no confirmation');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await until(() => !rowById(tracker, '4'), 'not deleted');
    expect(bodies).to.deep.equal(['DELETE /api/jobs/4 ']);
    await until(
      () => shadow(tracker).activeElement === rowById(tracker, '3'),
      'focus lost after deleting the last row',
    );
  });
});
