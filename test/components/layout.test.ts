import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { HttpResponse, http } from 'msw';
import { makeJob, page, runningJob } from './support/fixtures.js';
import { resetApi, violations } from './support/mock-api.js';
import { html, renderTracker, rowById, shadow } from './support/tracker.js';

// A phone held upright: the width at which the demo scrolled sideways and cut the column menu.
const phoneWidth = 375;

describe('<job-tracker> on a 375 px phone', () => {
  beforeEach(async () => {
    history.replaceState(null, '', location.pathname);
    localStorage.clear();
    await setViewport({ width: phoneWidth, height: 800 });
    await resetApi(
      http.get('/api/jobs', () => HttpResponse.json(page([runningJob(1), makeJob(2), makeJob(3, { warnings: 3 })]))),
    );
  });

  afterEach(async () => {
    document.documentElement.lang = 'en';
    // The launcher's default, which the other test files assume.
    await setViewport({ width: 800, height: 600 });
    expect(violations.join('\n'), 'responses outside the contract').to.equal('');
  });

  it('never makes the page scroll sideways, the screen-reader text of its buttons included', async () => {
    const tracker = await renderTracker(html`<job-tracker report-url="/jobs/{id}"></job-tracker>`);
    expect(rowById(tracker, '2')!.querySelector('.actions .sr-only'), 'a button with hidden text').to.not.equal(null);
    expect(document.documentElement.scrollWidth).to.be.at.most(phoneWidth);
  });

  // In French the controls no longer fit beside each other and wrap; the menu must stay on screen either way.
  for (const lang of ['en', 'fr']) {
    it(`opens the column menu inside the screen (${lang})`, async () => {
      document.documentElement.lang = lang;
      const tracker = await renderTracker();
      const menu = shadow(tracker).querySelector('details')!;
      menu.open = true;
      const chooser = menu.querySelector('fieldset')!.getBoundingClientRect();
      expect(chooser.left, 'left edge').to.be.at.least(0);
      expect(chooser.right, 'right edge').to.be.at.most(phoneWidth);
      expect(document.documentElement.scrollWidth).to.be.at.most(phoneWidth);
    });
  }
});
