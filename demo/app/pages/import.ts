import { html } from 'lit';
import { t } from '../i18n.js';
import { launchFromForm } from '../launch.js';

/** A small catalogue with two rows the import refuses (a price that is not a number, a missing SKU). */
const sampleCsv = `sku,name,price,stock,category
CH-100,Oak chair,89.90,24,Furniture
CH-101,Walnut chair,119.00,12,Furniture
DK-200,Standing desk,twelve,3,Furniture
LP-300,Desk lamp,34.50,40,Lighting
,Lamp shade,9.90,15,Lighting
RG-400,Wool rug,149.00,6,Textiles
`;

let sampleUrl: string | undefined;

/** The product import's limits (its paramsSchema in server/jobs/productImport.ts). */
const maxFileCharacters = 900_000;
const maxFileNameLength = 200;

/** A name the import takes: a long one keeps its start and its extension. */
function shortenedFileName(name: string): string {
  if (name.length <= maxFileNameLength) return name;
  const extension = /\.[^.]{1,10}$/.exec(name)?.[0] ?? '';
  return `${name.slice(0, maxFileNameLength - extension.length - 1)}…${extension}`;
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const data = new FormData(form);
  const file = data.get('file');
  if (!(file instanceof File) || file.size === 0) {
    form.querySelector('[role="alert"]')!.textContent = t('noFile');
    return;
  }
  // The file is read in the browser and sent as a parameter; the server keeps it with the job as an input file.
  const content = await file.text();
  if (content.length > maxFileCharacters) {
    form.querySelector('[role="alert"]')!.textContent = t('fileTooLarge');
    return;
  }
  await launchFromForm({
    form,
    type: 'product-import',
    params: { file: content, fileName: shortenedFileName(file.name), mode: data.get('mode') },
    notifyByEmail: data.get('notify') === 'on',
  });
}

export function importPage() {
  sampleUrl ??= URL.createObjectURL(new Blob([sampleCsv], { type: 'text/csv' }));
  return html`
    <header class="page-header">
      <p class="breadcrumb">${t('navCatalogue')}</p>
      <h1>${t('importTitle')}</h1>
      <p class="lead">${t('importIntro')}</p>
    </header>
    <form class="card form" id="import-form" @submit=${submit}>
      <label class="field">
        <span>${t('csvFile')}</span>
        <input type="file" name="file" accept=".csv,text/csv" required />
      </label>
      <p class="hint">
        ${t('fileLimit')} <a href=${sampleUrl} download="products-sample.csv">${t('downloadSample')}</a>
      </p>
      <label class="field">
        <span>${t('mode')}</span>
        <select name="mode">
          <option value="upsert">${t('modeUpsert')}</option>
          <option value="create">${t('modeCreate')}</option>
        </select>
      </label>
      <label class="check"><input type="checkbox" name="notify" /> ${t('confirmationMail')}</label>
      <p class="alert" role="alert"></p>
      <div class="actions"><button type="submit" class="primary">${t('launchImport')}</button></div>
    </form>
  `;
}
