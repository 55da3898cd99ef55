/**
 * The confirmation mail, in English and French: status, times, warning and error counts, and a link to the
 * report. Built from the outbox row only (never from the job's params, so nothing sensitive can leak in).
 */
import { type Locale, pickLocale } from '../http/locale.js';
import type { OutboxRow } from './outbox.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Texts {
  dateLocale: string;
  subject: (label: string, id: string, status: string) => string;
  greeting: (name: string) => string;
  intro: (label: string, id: string, status: string) => string;
  status: Record<string, string>;
  fields: {
    status: string;
    queued: string;
    started: string;
    ended: string;
    duration: string;
    warnings: string;
    errors: string;
    errorCode: string;
  };
  link: string;
  notStarted: string;
}

const texts: Record<Locale, Texts> = {
  en: {
    dateLocale: 'en-GB',
    subject: (label, id, status) => `${label} #${id} ${status}`,
    greeting: (name) => `Hello ${name},`,
    intro: (label, id, status) => `Your job "${label}" #${id} ${status}.`,
    status: { succeeded: 'succeeded', failed: 'failed', interrupted: 'was interrupted' },
    fields: {
      status: 'Status',
      queued: 'Queued',
      started: 'Started',
      ended: 'Ended',
      duration: 'Processing time',
      warnings: 'Warnings',
      errors: 'Errors',
      errorCode: 'Error code',
    },
    link: 'See the report',
    notStarted: 'not started',
  },
  fr: {
    dateLocale: 'fr-FR',
    subject: (label, id, status) => `${label} n° ${id} : ${status}`,
    greeting: (name) => `Bonjour ${name},`,
    intro: (label, id, status) => `Votre traitement « ${label} » n° ${id} ${status}.`,
    status: { succeeded: 'est terminé avec succès', failed: 'a échoué', interrupted: 'a été interrompu' },
    fields: {
      status: 'Statut',
      queued: 'Mis en file',
      started: 'Démarré',
      ended: 'Terminé',
      duration: 'Durée de traitement',
      warnings: 'Avertissements',
      errors: 'Erreurs',
      errorCode: "Code d'erreur",
    },
    link: 'Voir le rapport',
    notStarted: 'non démarré',
  },
};

const shortStatus: Record<Locale, Record<string, string>> = {
  en: { succeeded: 'succeeded', failed: 'failed', interrupted: 'interrupted' },
  fr: { succeeded: 'terminé', failed: 'en échec', interrupted: 'interrompu' },
};

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', `${s} s`].filter(Boolean);
  return parts.join(' ');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The language a mail is written in. The recipient's locale is a BCP 47 tag (`fr-FR`, `fr-CA`, `FR`): its language
 * picks the texts, so a French user whose host says `fr-FR` does not get the English mail.
 */
export const mailLocale = (row: Pick<OutboxRow, 'locale'>): Locale => pickLocale(row.locale);

export function renderMail(row: OutboxRow, label: string, reportUrl: string): RenderedMail {
  const locale = mailLocale(row);
  const t = texts[locale];
  const when = new Intl.DateTimeFormat(t.dateLocale, { dateStyle: 'long', timeStyle: 'medium', timeZone: 'UTC' });
  const at = (date: Date | null) => (date ? `${when.format(date)} UTC` : t.notStarted);
  const status = t.status[row.status] ?? row.status;
  const lines: [string, string][] = [
    [t.fields.status, shortStatus[locale][row.status] ?? row.status],
    [t.fields.queued, at(row.created_at)],
    [t.fields.started, at(row.started_at)],
    [t.fields.ended, at(row.ended_at)],
  ];
  if (row.started_at && row.ended_at) {
    lines.push([t.fields.duration, formatDuration(row.ended_at.getTime() - row.started_at.getTime())]);
  }
  lines.push([t.fields.warnings, String(row.warnings)], [t.fields.errors, String(row.errors)]);
  if (row.error_code) lines.push([t.fields.errorCode, row.error_code]);

  const intro = t.intro(label, row.job_id, status);
  const text = [
    t.greeting(row.user_name),
    '',
    intro,
    '',
    ...lines.map(([name, value]) => `${name}: ${value}`),
    '',
    `${t.link}: ${reportUrl}`,
    '',
  ].join('\n');
  const html = `<!doctype html><html lang="${locale}"><body>
<p>${escapeHtml(t.greeting(row.user_name))}</p>
<p>${escapeHtml(intro)}</p>
<table>${lines.map(([name, value]) => `<tr><th align="left">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>
<p><a href="${escapeHtml(reportUrl)}">${escapeHtml(t.link)}</a></p>
</body></html>`;
  return { subject: t.subject(label, row.job_id, shortStatus[locale][row.status] ?? row.status), text, html };
}
