import { html } from 'lit';
import { t } from '../i18n.js';
import { launchFromForm } from '../launch.js';

function nextMonth(): string {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return next.toISOString().slice(0, 7);
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const data = new FormData(form);
  await launchFromForm({
    form,
    type: 'schedule-optimisation',
    params: {
      periodId: String(data.get('period')),
      employees: Number(data.get('employees')),
      durationSeconds: Number(data.get('duration')),
    },
    notifyByEmail: data.get('notify') === 'on',
  });
}

export function optimisePage() {
  return html`
    <header class="page-header">
      <p class="breadcrumb">${t('navPlanning')}</p>
      <h1>${t('optimiseTitle')}</h1>
      <p class="lead">${t('optimiseIntro')}</p>
    </header>
    <form class="card form" id="optimise-form" @submit=${submit}>
      <label class="field">
        <span>${t('period')}</span>
        <input type="month" name="period" .value=${nextMonth()} required pattern="[0-9]{4}-[0-9]{2}" />
      </label>
      <label class="field">
        <span>${t('employees')}</span>
        <input type="number" name="employees" min="2" max="500" value="40" required />
      </label>
      <label class="field">
        <span>${t('timeBudget')}</span>
        <input type="number" name="duration" min="1" max="120" value="60" required />
      </label>
      <label class="check"><input type="checkbox" name="notify" /> ${t('confirmationMail')}</label>
      <p class="alert" role="alert"></p>
      <div class="actions"><button type="submit" class="primary">${t('launchOptimise')}</button></div>
    </form>
  `;
}
