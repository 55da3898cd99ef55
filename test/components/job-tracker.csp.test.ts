import { expect } from '@open-wc/testing';
import { HttpResponse, http } from 'msw';
import { makeJob, page, runningJob } from './support/fixtures.js';
import { resetApi, violations } from './support/mock-api.js';
import { html, renderTracker, rows, shadow, until } from './support/tracker.js';

// Its own file: a CSP cannot be lifted from a page once set, so it must not reach the other tests.
describe('<job-tracker> under a strict Content Security Policy', () => {
  it("renders, scrolls and opens its dialog with `style-src 'self'` and no violation", async () => {
    const blocked: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => blocked.push(event.violatedDirective));
    const policy = document.createElement('meta');
    policy.httpEquiv = 'Content-Security-Policy';
    policy.content = "style-src 'self'";
    document.head.append(policy);

    const jobs = [runningJob(1), ...Array.from({ length: 80 }, (_, i) => makeJob(i + 2))];
    await resetApi(http.get('/api/jobs', () => HttpResponse.json(page(jobs))));
    const tracker = await renderTracker(html`<job-tracker theme="dark"></job-tracker>`);
    const scroller = shadow(tracker).querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 1200;
    await until(() => rows(tracker)[0]!.dataset.index !== '0', 'did not scroll');
    rows(tracker)[0]!.querySelector<HTMLButtonElement>('td.actions button:last-child')!.click();
    await until(() => shadow(tracker).querySelector('dialog')!.open, 'no dialog');
    shadow(tracker).querySelector('dialog')!.close();

    expect(blocked).to.deep.equal([]);
    expect(violations.join('\n')).to.equal('');
  });
});
