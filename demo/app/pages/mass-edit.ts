import { html } from 'lit';
import { t } from '../i18n.js';
import { launchFromForm } from '../launch.js';

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const data = new FormData(form);
  const category = String(data.get('category') ?? '').trim();
  await launchFromForm({
    form,
    type: 'product-mass-edit',
    params: { priceChangePercent: Number(data.get('percent')), ...(category ? { category } : {}) },
    notifyByEmail: data.get('notify') === 'on',
  });
}

export function massEditPage() {
  return html`
    <header class="page-header">
      <p class="breadcrumb">${t('navCatalogue')}</p>
      <h1>${t('massEditTitle')}</h1>
      <p class="lead">${t('massEditIntro')}</p>
    </header>
    <form class="card form" id="mass-edit-form" @submit=${submit}>
      <label class="field">
        <span>${t('category')}</span>
        <input type="text" name="category" maxlength="100" placeholder="Furniture" />
      </label>
      <label class="field">
        <span>${t('priceChange')}</span>
        <input type="number" name="percent" min="-90" max="500" step="0.1" value="5" required />
      </label>
      <label class="check"><input type="checkbox" name="notify" /> ${t('confirmationMail')}</label>
      <p class="alert" role="alert"></p>
      <div class="actions"><button type="submit" class="primary">${t('launchMassEdit')}</button></div>
    </form>
  `;
}
