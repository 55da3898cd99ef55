import { expect } from '@open-wc/testing';
import { HttpResponse, http } from 'msw';
import { makeJob, page } from './support/fixtures.js';
import { jobRequests, resetApi, violations } from './support/mock-api.js';
import { html, renderTracker, rowById, rows, shadow, until } from './support/tracker.js';

const totalJobs = 100_000;
const maxRowsInDom = 100;

/** `GET /jobs` over 100,000 jobs, paged by an opaque keyset cursor (the mock's cursor is the last ID it sent). */
const hundredThousandJobs = http.get('/api/jobs', ({ request }) => {
  const query = new URL(request.url).searchParams;
  const limit = Number(query.get('limit'));
  const after = query.has('cursor') ? Number(atob(query.get('cursor')!)) : 0;
  const ids = Array.from({ length: Math.min(limit, totalJobs - after) }, (_, i) => after + i + 1);
  const last = ids.at(-1)!;
  return HttpResponse.json({
    items: ids.map((id) => makeJob(id)),
    nextCursor: last < totalJobs ? btoa(String(last)) : null,
    total: { value: 10_000, exact: false },
  });
});

describe('<job-tracker> with 100,000 jobs', () => {
  beforeEach(async () => {
    history.replaceState(null, '', location.pathname);
    localStorage.clear();
    await resetApi(hundredThousandJobs);
  });

  afterEach(() => expect(violations.join('\n'), 'responses outside the contract').to.equal(''));

  it('scrolls end to end fetching pages by cursor, with a bounded number of rows in the DOM and in memory', async function () {
    this.timeout(240_000);
    const tracker = await renderTracker(
      html`<job-tracker page-size="200" columns="status,id,user,start"></job-tracker>`,
    );
    const scroller = shadow(tracker).querySelector<HTMLElement>('.scroller')!;
    let most = 0;
    while (tracker.pages.hasMore || tracker.pages.loading) {
      const known = tracker.pages.length;
      scroller.scrollTop = scroller.scrollHeight;
      await until(() => tracker.pages.length > known || !tracker.pages.hasMore, `stuck at ${known} rows`, {
        interval: 5,
        timeout: 5000,
      });
      await tracker.updateComplete;
      most = Math.max(most, rows(tracker).length);
      expect(rows(tracker).length, `rows in the DOM at ${known}`).to.be.at.most(maxRowsInDom);
      expect([...tracker.pages.loaded()].length, 'rows held in memory').to.be.at.most(2_000);
    }
    expect(tracker.pages.length).to.equal(totalJobs);
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => rowById(tracker, String(totalJobs)), 'the last job is not shown at the end');
    expect(rows(tracker).length).to.be.at.most(maxRowsInDom);

    // Every page after the first was asked for with the cursor the previous page gave, never an offset.
    const pages = jobRequests();
    expect(pages).to.have.length(totalJobs / 200);
    expect(pages[0]!.searchParams.has('cursor')).to.equal(false);
    pages.slice(1).forEach((url, index) => {
      expect(url.searchParams.get('cursor')).to.equal(btoa(String((index + 1) * 200)));
      expect(url.searchParams.has('offset')).to.equal(false);
    });

    // Back at the top, the evicted first page is fetched again by its cursor (none: it is the first).
    scroller.scrollTop = 0;
    await until(() => rowById(tracker, '1'), 'the first job is not shown back at the top');
    expect(jobRequests().at(-1)!.searchParams.has('cursor')).to.equal(false);
    expect(most).to.be.greaterThan(10);
  });

  it('shows a failed page load at the end of the list, with a retry that continues by the same cursor', async () => {
    let failNext = true;
    await resetApi(
      http.get('/api/jobs', ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        if (!cursor)
          return HttpResponse.json(
            page(
              Array.from({ length: 50 }, (_, i) => makeJob(i + 1)),
              'next',
            ),
          );
        if (failNext) {
          failNext = false;
          return HttpResponse.error();
        }
        return HttpResponse.json(page([makeJob(51)]));
      }),
    );
    const tracker = await renderTracker(html`<job-tracker page-size="50" columns="status,id"></job-tracker>`);
    const scroller = shadow(tracker).querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = scroller.scrollHeight;
    const retry = () =>
      [...shadow(tracker).querySelectorAll<HTMLButtonElement>('tbody button')].find((b) =>
        b.textContent?.includes('Retry'),
      );
    await until(() => retry(), 'no retry after a failed page');
    retry()!.click();
    await until(() => tracker.pages.length === 51, 'the next page did not load on retry');
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => rowById(tracker, '51'), 'the last job is not shown');
    expect(jobRequests().map((url) => url.searchParams.get('cursor'))).to.deep.equal([null, 'next', 'next']);
  });
});
