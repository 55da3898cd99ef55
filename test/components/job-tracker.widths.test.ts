import { expect, fixture } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { HttpResponse, http } from 'msw';
import { makeJob, page, runningJob } from './support/fixtures.js';
import { resetApi, violations } from './support/mock-api.js';
import { html, rows, shadow, text, until } from './support/tracker.js';

const jobs = [
  runningJob(1),
  makeJob(2, { typeLabel: 'Schedule optimisation', user: { id: 'bob', name: 'Bob Durand' } }),
];

describe('<job-tracker> at common desktop widths', () => {
  beforeEach(async () => {
    localStorage.clear();
    await resetApi(http.get('/api/jobs', () => HttpResponse.json(page(jobs))));
  });

  afterEach(async () => {
    history.replaceState(null, '', location.pathname);
    // The launcher's default, which the other test files assume.
    await setViewport({ width: 800, height: 600 });
    expect(violations.join('\n'), 'responses outside the contract').to.equal('');
  });

  // The demo's layout: a 15rem navigation beside a padded main column, the tracker in it with its default columns.
  // Sorting by user puts an arrow after the longest header, French's "Utilisateur".
  for (const width of [1366, 1440]) {
    for (const [lang, sort] of [
      ['en', '-startedAt'],
      ['fr', 'user'],
    ] as const) {
      it(`cuts no column header or action button at ${width} px (${lang}, sorted by ${sort})`, async () => {
        await setViewport({ width, height: 800 });
        history.replaceState(null, '', `${location.pathname}?sort=${sort}`);
        const layout = await fixture(html`
          <div style="display: grid; grid-template-columns: 15rem minmax(0, 1fr)">
            <nav></nav>
            <main style="padding: 1.5rem 2rem; min-width: 0"><job-tracker lang=${lang}></job-tracker></main>
          </div>
        `);
        const tracker = layout.querySelector('job-tracker')!;
        await until(() => rows(tracker).length === jobs.length, 'the rows did not load');
        // The headers, and the action buttons of the rows ("Relancer", "Supprimer" in French).
        const cut = [...shadow(tracker).querySelectorAll<HTMLElement>('thead th, td.actions')]
          .filter((box) => box.scrollWidth > box.clientWidth)
          .map((box) => `${text(box)}: ${box.clientWidth} px for ${box.scrollWidth}`);
        expect(cut).to.deep.equal([]);
      });
    }
  }
});
