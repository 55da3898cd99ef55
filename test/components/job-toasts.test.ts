import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { HttpResponse, http } from 'msw';
import '../../components/index.js';
import type { JobToasts } from '../../components/index.js';
import { configure } from '../../components/index.js';
import type { Notification } from '../../sdk/index.js';
import { bob, problem, runningJob } from './support/fixtures.js';
import { expectAccessibleInBothThemes, notification, part, shown, text, until } from './support/follow.js';
import { checkedFetch, liveStream, requests, resetApi, violations } from './support/mock-api.js';

describe('<job-toasts>', () => {
  let unread: Notification[];
  let marked: string[];
  let stream: ReturnType<typeof liveStream>;

  beforeEach(async () => {
    document.documentElement.lang = 'en';
    unread = [];
    marked = [];
    stream = liveStream();
    await resetApi(
      http.get('/api/notifications', () =>
        HttpResponse.json({ items: unread, nextCursor: null, unread: unread.length }),
      ),
      http.post('/api/notifications/:id/read', ({ params }) => {
        marked.push(String(params.id));
        return HttpResponse.json(notification(String(params.id), '1', { readAt: '2026-11-23T09:20:00Z' }));
      }),
      stream.handler,
    );
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  const toasts = (element: JobToasts) => [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part="toast"]')];

  async function render(
    markup = html`<job-toasts report-url="/jobs/{id}" tracker-url="/jobs" group-window="10" duration="0"></job-toasts>`,
  ) {
    const element = await fixture<JobToasts>(markup);
    await until(() => requests.some((url) => url.pathname === '/api/notifications'), 'notifications not asked for');
    await stream.open;
    // Starts are announced only for the user's own jobs, so the user must be known first.
    await until(() => element.userId, 'user not loaded');
    return element;
  }

  it('flashes when one of the user’s jobs starts, linking to its report, and not for others’ jobs', async () => {
    const element = await render();
    await stream.send({ type: 'job.created', job: runningJob(8, { user: { id: bob.id, name: bob.name } }) });
    await stream.send({ type: 'job.created', job: runningJob(7, { status: 'queued', startedAt: null }) });
    await until(() => toasts(element).length === 1, 'no flash');
    expect(text(toasts(element)[0])).to.contain('Product import started');
    expect(part<HTMLAnchorElement>(element, 'report-link')!.getAttribute('href')).to.equal('/jobs/7');
  });

  it('notifies when a job ends, from the live stream, with its badge and report link', async () => {
    const element = await render();
    await stream.send({ type: 'notification.created', notification: notification('n1', '7', { warnings: 2 }) });
    await until(() => toasts(element).length === 1, 'no notification');
    expect(shown(element)).to.contain('Product import: Succeeded').and.contain('2 warnings');
    expect(part<HTMLAnchorElement>(element, 'report-link')!.getAttribute('href')).to.equal('/jobs/7');
  });

  it('shows the unread endings after a reload, from GET /notifications?unread=true', async () => {
    unread = [notification('n2', '5', { status: 'failed', errors: 1 })];
    const element = await render();
    await until(() => toasts(element).length === 1, 'unread notification not shown');
    const asked = requests.find((url) => url.pathname === '/api/notifications')!;
    expect(asked.searchParams.get('unread')).to.equal('true');
    expect(shown(element)).to.contain('Product import: Failed');
  });

  it('marks a notification read when its report is opened', async () => {
    unread = [notification('n3', '5')];
    const element = await render();
    await until(() => toasts(element).length === 1, 'not shown');
    const link = part<HTMLAnchorElement>(element, 'report-link')!;
    link.addEventListener('click', (event) => event.preventDefault(), { once: true });
    link.click();
    await until(() => marked.includes('n3'), 'not marked read');
  });

  it('announces toasts through a polite live region', async () => {
    const element = await render();
    const stack = part(element, 'stack')!;
    expect(stack.getAttribute('role')).to.equal('status');
    expect(stack.getAttribute('aria-live')).to.equal('polite');
  });

  it('says so, with what the server said, when the notifications cannot be loaded, outside the polite region', async () => {
    await resetApi(
      http.get('/api/notifications', () => problem(503, 'service_unavailable', 'The job store is out of reach.')),
      stream.handler,
    );
    const element = await fixture<JobToasts>(
      html`<job-toasts report-url="/jobs/{id}" tracker-url="/jobs"></job-toasts>`,
    );
    await until(() => element.shadowRoot!.querySelector('[role="alert"]'), 'no alert');
    const alert = element.shadowRoot!.querySelector<HTMLElement>('[role="alert"]')!;
    expect(text(alert)).to.contain('Your notifications could not be loaded.').and.contain('out of reach');
    expect(alert.closest('[role="status"]'), 'an alert inside the polite region').to.equal(null);
    await expectAccessibleInBothThemes(element);
  });

  it('goes away by itself after its duration, and is marked read', async () => {
    unread = [notification('n4', '5')];
    const element = await render(html`<job-toasts group-window="10" duration="50"></job-toasts>`);
    await until(() => toasts(element).length === 1, 'not shown');
    await until(() => toasts(element).length === 0, 'not dismissed by itself');
    await until(() => marked.includes('n4'), 'not marked read');
  });

  it('stays while hovered or focused, and goes once left', async () => {
    unread = [notification('h', '5'), notification('f', '6'), notification('x', '7')];
    const element = await render(html`<job-toasts group-window="10" group-min="9" duration="1500"></job-toasts>`);
    await until(() => toasts(element).length === 3, 'not shown');
    const [hovered, focused] = toasts(element);
    hovered!.dispatchEvent(new MouseEvent('mouseenter'));
    // Focus events as the browser sends them; a test window without system focus would not send real ones.
    const close = focused!.querySelector<HTMLButtonElement>('[part="close"]')!;
    close.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
    // The third toast started at the same time as the others: once it is gone, theirs would have run out too.
    // 1.5 s leaves the test time to hover and focus before any of them runs out, on a loaded machine too.
    await until(() => toasts(element).length === 2, 'the free toast did not go');
    expect(toasts(element)).to.deep.equal([hovered, focused]);
    hovered!.dispatchEvent(new MouseEvent('mouseleave'));
    close.dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: null }));
    await until(() => toasts(element).length === 0, 'held toasts did not go once left');
  });

  it('is dismissed with Escape, focus going to the next toast, and marked read', async () => {
    unread = [notification('e1', '5'), notification('e2', '6')];
    const element = await render();
    await until(() => toasts(element).length === 2, 'not shown');
    toasts(element)[0]!.querySelector<HTMLButtonElement>('[part="close"]')!.focus();
    await sendKeys({ press: 'Escape' });
    await until(() => toasts(element).length === 1, 'Escape did not dismiss');
    await until(() => marked.includes('e2'), 'not marked read');
    await until(
      () => element.shadowRoot!.activeElement === toasts(element)[0]!.querySelector('[part="close"]'),
      'focus lost',
    );
  });

  it('drops its toasts, unread, when the kit is configured for someone else', async () => {
    unread = [notification('c2', '6')];
    const element = await render();
    await until(() => toasts(element).length === 1, 'not shown');
    unread = [];
    const asked = () => requests.filter((url) => url.pathname === '/api/notifications').length;
    const askedBefore = asked();
    configure({ baseUrl: '/api', fetch: checkedFetch, headers: { Authorization: 'Bearer someone-else' } });
    try {
      await until(() => toasts(element).length === 0, 'the previous user’s toast stayed');
      await until(() => asked() > askedBefore, 'the new user’s notifications not asked for');
      expect(marked, 'marked read on behalf of the new user').to.deep.equal([]);
    } finally {
      configure({ baseUrl: '/api', fetch: checkedFetch });
    }
  });

  it('is dismissed with its close button, and marked read', async () => {
    unread = [notification('c1', '5')];
    const element = await render();
    await until(() => toasts(element).length === 1, 'not shown');
    const close = part<HTMLButtonElement>(element, 'close')!;
    expect(close.getAttribute('aria-label')).to.equal('Dismiss');
    close.click();
    await until(() => toasts(element).length === 0, 'not dismissed');
    await until(() => marked.includes('c1'), 'not marked read');
  });

  it('groups a burst of endings into one toast, and marks them all read when dismissed', async () => {
    const element = await render(html`<job-toasts tracker-url="/jobs" group-window="1000" duration="0"></job-toasts>`);
    const statuses = ['succeeded', 'succeeded', 'failed', 'succeeded', 'failed'] as const;
    for (const [index, status] of statuses.entries()) {
      await stream.send({
        type: 'notification.created',
        notification: notification(`b${index}`, String(index + 10), { status, errors: status === 'failed' ? 1 : 0 }),
      });
    }
    await until(() => toasts(element).length === 1, 'no grouped toast');
    expect(text(toasts(element)[0])).to.contain('3 finished, 2 failed');
    expect(part<HTMLAnchorElement>(element, 'report-link')!.getAttribute('href')).to.equal('/jobs');
    part<HTMLButtonElement>(element, 'close')!.click();
    await until(() => marked.length === 5, 'not all marked read');
  });

  it('groups a burst of starts', async () => {
    const element = await render(html`<job-toasts group-window="1000" duration="0"></job-toasts>`);
    for (const id of [21, 22, 23]) await stream.send({ type: 'job.created', job: runningJob(id) });
    await until(() => toasts(element).length === 1, 'no grouped flash');
    expect(text(toasts(element)[0])).to.contain('3 jobs started');
  });

  it('speaks French under <html lang="fr">', async () => {
    document.documentElement.lang = 'fr';
    unread = [notification('f1', '5', { status: 'failed', errors: 1 })];
    const element = await render();
    await until(() => toasts(element).length === 1, 'not shown');
    expect(shown(element)).to.contain('Product import : Échec');
    expect(part(element, 'close')!.getAttribute('aria-label')).to.equal('Fermer');
  });

  it('passes axe with a flash, an ending and a group, light and dark', async () => {
    unread = [notification('a1', '5', { warnings: 2 })];
    const element = await render(
      html`<job-toasts report-url="/jobs/{id}" tracker-url="/jobs" group-window="300" duration="0"></job-toasts>`,
    );
    await until(() => toasts(element).length === 1, 'not shown');
    await stream.send({ type: 'job.created', job: runningJob(7) });
    for (const id of ['g1', 'g2', 'g3'])
      await stream.send({ type: 'notification.created', notification: notification(id, '9') });
    await until(() => toasts(element).length === 3, 'not all shown');
    await expectAccessibleInBothThemes(element);
  });
});
