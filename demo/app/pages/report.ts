import { html } from 'lit';
import { t } from '../i18n.js';
import { pagePaths } from '../routes.js';

export function reportPage(jobId: string) {
  return html`
    <header class="page-header">
      <p class="breadcrumb"><a href=${pagePaths.tracker}>${t('backToTracker')}</a></p>
      <h1>${t('reportTitle')}</h1>
    </header>
    <job-report class="card" job-id=${jobId}></job-report>
  `;
}
