import { html } from 'lit';
import { t } from '../i18n.js';
import { reportPathTemplate } from '../routes.js';

export function trackerPage() {
  return html`
    <header class="page-header">
      <p class="breadcrumb">${t('navOperations')}</p>
      <h1>${t('trackerTitle')}</h1>
      <p class="lead">${t('trackerIntro')}</p>
    </header>
    <job-tracker class="card" report-url=${reportPathTemplate}></job-tracker>
  `;
}
