import { expect, fixture, html } from '@open-wc/testing';
import '../../components/job-status-badge/job-status-badge.js';
import type { JobStatusBadge } from '../../components/job-status-badge/job-status-badge.js';
import { en } from '../../components/shared/locales/en.js';
import { registerLocale } from '../../components/shared/localize.js';
import { until } from './support/until.js';

async function badge(markup: ReturnType<typeof html>): Promise<JobStatusBadge> {
  return fixture<JobStatusBadge>(markup);
}

function text(element: JobStatusBadge): string {
  return element.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
}

function tone(element: JobStatusBadge): string {
  return element.shadowRoot!.querySelector('[part="base"]')!.className;
}

describe('<job-status-badge>', () => {
  const cases = [
    { status: 'succeeded', warnings: 0, errors: 0, tone: 'success', label: 'Succeeded' },
    { status: 'succeeded', warnings: 3, errors: 0, tone: 'warning', label: 'Succeeded' },
    { status: 'failed', warnings: 0, errors: 2, tone: 'danger', label: 'Failed' },
    { status: 'interrupted', warnings: 0, errors: 0, tone: 'grey', label: 'Interrupted' },
    { status: 'queued', warnings: 0, errors: 0, tone: 'neutral', label: 'Queued' },
    { status: 'running', warnings: 0, errors: 0, tone: 'neutral', label: 'Running' },
  ];

  for (const c of cases) {
    it(`shows ${c.status} with ${c.warnings} warnings and ${c.errors} errors as ${c.tone}, with a label and an icon`, async () => {
      const element = await badge(
        html`<job-status-badge status=${c.status} warnings=${c.warnings} errors=${c.errors}></job-status-badge>`,
      );
      expect(tone(element)).to.equal(c.tone);
      expect(text(element)).to.contain(c.label);
      expect(element.shadowRoot!.querySelector('[part="icon"] path')!.getAttribute('d')).to.not.be.empty;
    });
  }

  it('says the count in words, not by colour alone', async () => {
    const element = await badge(html`<job-status-badge status="succeeded" warnings="3"></job-status-badge>`);
    expect(text(element)).to.contain('3 warnings');
    const failed = await badge(html`<job-status-badge status="failed" errors="1"></job-status-badge>`);
    expect(text(failed)).to.contain('1 error');
  });

  it('shows a running job’s percent', async () => {
    const element = await badge(html`<job-status-badge status="running" .percent=${34}></job-status-badge>`);
    expect(text(element)).to.contain('Running 34%');
  });

  it('renders a status it does not know as neutral with the raw value', async () => {
    const element = await badge(html`<job-status-badge status="paused_by_admin"></job-status-badge>`);
    expect(tone(element)).to.equal('neutral');
    expect(text(element)).to.contain('paused_by_admin');
  });

  it('speaks French under <html lang="fr"> and follows a change of it', async () => {
    document.documentElement.lang = 'fr';
    try {
      const element = await badge(html`<job-status-badge status="failed" errors="2"></job-status-badge>`);
      expect(text(element)).to.contain('Échec');
      expect(text(element)).to.contain('2 erreurs');
      document.documentElement.lang = 'en';
      await until(() => text(element).includes('Failed'), 'the badge did not follow <html lang>');
    } finally {
      document.documentElement.lang = 'en';
    }
  });

  it('lets an element’s own lang win over the page’s', async () => {
    const element = await badge(html`<job-status-badge lang="fr" status="queued"></job-status-badge>`);
    expect(text(element)).to.contain('En attente');
  });

  it('takes more languages from registerLocale(), region tags falling back to their language', async () => {
    registerLocale('de', { ...en, status: { ...en.status, failed: 'Fehlgeschlagen' }, errors: (n) => `${n} Fehler` });
    const element = await badge(html`<job-status-badge lang="de-AT" status="failed" errors="2"></job-status-badge>`);
    expect(text(element)).to.contain('Fehlgeschlagen');
    expect(text(element)).to.contain('2 Fehler');
  });

  it('takes part of a language from registerLocale(): the rest comes from the shipped language, else English', async () => {
    registerLocale('nl', { status: { failed: 'Mislukt' } });
    const dutch = await badge(html`<job-status-badge lang="nl" status="failed" errors="2"></job-status-badge>`);
    expect(text(dutch)).to.contain('Mislukt');
    expect(text(dutch)).to.contain('2 errors');
    registerLocale('fr-CA', { status: { failed: 'Raté' } });
    const canadian = await badge(html`<job-status-badge lang="fr-CA" status="failed" errors="2"></job-status-badge>`);
    await until(() => text(canadian).includes('2 erreurs'), 'the rest of fr-CA did not come from the shipped French');
    expect(text(canadian)).to.contain('Raté');
  });

  it('turns dark with theme="dark" or under a [data-theme="dark"] ancestor, and stays light with theme="light"', async () => {
    const background = (element: JobStatusBadge) =>
      getComputedStyle(element.shadowRoot!.querySelector('[part="base"]')!).backgroundColor;
    const light = await badge(html`<job-status-badge theme="light" status="succeeded"></job-status-badge>`);
    const dark = await badge(html`<job-status-badge theme="dark" status="succeeded"></job-status-badge>`);
    const wrapper = await fixture(
      html`<div data-theme="dark"><job-status-badge status="succeeded"></job-status-badge></div>`,
    );
    expect(background(light)).to.equal('rgb(218, 251, 225)');
    expect(background(dark)).to.not.equal(background(light));
    expect(background(wrapper.querySelector('job-status-badge')!)).to.equal(background(dark));
  });

  it('takes colours from the host page’s custom properties', async () => {
    const wrapper = await fixture(
      html`<div style="--job-danger-bg: rgb(1, 2, 3)"><job-status-badge status="failed"></job-status-badge></div>`,
    );
    const element = wrapper.querySelector('job-status-badge')!;
    expect(getComputedStyle(element.shadowRoot!.querySelector('[part="base"]')!).backgroundColor).to.equal(
      'rgb(1, 2, 3)',
    );
  });

  it('is registered once even when the kit is imported twice', async () => {
    // A second copy of the module, as a page loading the kit from two bundles would have.
    const secondCopy = '../../components/job-status-badge/job-status-badge.ts?second-copy';
    await import(secondCopy);
    expect(customElements.get('job-status-badge')).to.exist;
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`passes axe in every state, ${theme}`, async () => {
      const element = await fixture(html`<div>
        ${cases.map(
          (c) =>
            html`<job-status-badge theme=${theme} status=${c.status} warnings=${c.warnings} errors=${c.errors}></job-status-badge>`,
        )}
        <job-status-badge theme=${theme} status="running" .percent=${50}></job-status-badge>
        <job-status-badge theme=${theme} status="brand_new"></job-status-badge>
      </div>`);
      await expect(element).to.be.accessible();
    });
  }
});
