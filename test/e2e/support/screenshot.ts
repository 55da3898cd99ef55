/**
 * `npm run screenshot`: starts the demo on a fresh data folder, launches a realistic history of jobs, and saves
 * the supervisor's tracker page as docs/screenshot.png (1600×900, Chromium).
 */
import { fileURLToPath } from 'node:url';
import { launchChromium, openPage } from './browser.js';
import { chooseUser, startTestDemo } from './demo.js';
import { seedHistory } from './seed.js';

const output = fileURLToPath(new URL('../../../docs/screenshot.png', import.meta.url));
const demo = await startTestDemo();
const browser = await launchChromium();
try {
  await seedHistory(demo.api('alice'), demo.api('carol'));
  const { page, problems } = await openPage(browser);
  await page.setViewport({ width: 1600, height: 900 });
  await page.goto(`${demo.url}/jobs`);
  await chooseUser(page, 'carol');
  await page.waitForFunction(
    () => (document.querySelector('job-tracker')?.shadowRoot?.querySelectorAll('tr[part="row"]').length ?? 0) >= 8,
  );
  // The end-of-job toasts of the seeded history go away by themselves; the picture is of the table.
  await page.waitForFunction(() => !document.querySelector('job-toasts')?.shadowRoot?.querySelector('[part="toast"]'), {
    timeout: 30_000,
  });
  await page.screenshot({ path: output });
  console.log(`Saved ${output}${problems.length ? `; page problems:\n${problems.join('\n')}` : ''}`);
} finally {
  await browser.close();
  await demo.close();
}
