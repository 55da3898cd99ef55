import { html } from 'lit';
import { t } from '../i18n.js';
import { pagePaths } from '../routes.js';

export function dashboardPage(userName: string) {
  return html`
    <header class="page-header">
      <h1>${t('dashboardTitle')}, ${userName}</h1>
      <p class="lead">${t('dashboardIntro')}</p>
    </header>
    <div class="dashboard">
      <section class="card" aria-labelledby="quick-actions">
        <h2 id="quick-actions">${t('quickActions')}</h2>
        <ul class="tiles">
          <li><a class="tile" href=${pagePaths.import}>${t('navImport')}</a></li>
          <li><a class="tile" href=${pagePaths['mass-edit']}>${t('navMassEdit')}</a></li>
          <li><a class="tile" href=${pagePaths.optimise}>${t('navOptimise')}</a></li>
          <li><a class="tile" href=${pagePaths.tracker}>${t('navTracker')}</a></li>
        </ul>
      </section>
      <aside class="card widget-card">
        <job-dashboard-widget limit="6" report-url="/jobs/{id}" tracker-url="/jobs"></job-dashboard-widget>
      </aside>
    </div>
  `;
}
