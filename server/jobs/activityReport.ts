/**
 * A report (both seeds): the launching user's jobs per type and status over a period, from the job store itself, as
 * a CSV file. Their own only: a handler does not know what its user may see, and a plain user may not learn of
 * others' jobs (SPEC §2.3), not even as counts.
 */
import type { Queryable } from '../db/types.js';
import { csvLine } from '../http/csv.js';
import { type Locale, pickLocale } from '../http/locale.js';
import type { JobTypeDefinition } from '../queue/types.js';

export interface ActivityReportParams extends Record<string, unknown> {
  from: string;
  to: string;
}

/** What the handler writes (step labels, progress), in the language of its job's user. */
const en = {
  collectStep: 'Collect figures',
  collected: 'Figures collected',
  writeStep: 'Write the report',
  ready: 'Report ready',
};
const texts: Record<Locale, typeof en> = {
  en,
  fr: {
    collectStep: 'Rassembler les chiffres',
    collected: 'Chiffres rassemblés',
    writeStep: 'Écrire le rapport',
    ready: 'Rapport prêt',
  },
};

export function activityReport(db: Queryable): JobTypeDefinition<ActivityReportParams> {
  return {
    type: 'activity-report',
    label: { en: 'Activity report', fr: "Rapport d'activité" },
    category: { en: ['Reports'], fr: ['Rapports'] },
    paramsSchema: {
      type: 'object',
      required: ['from', 'to'],
      additionalProperties: false,
      properties: {
        from: { type: 'string', format: 'date', title: 'From' },
        to: { type: 'string', format: 'date', title: 'To (included)' },
      },
    },
    titles: { fr: { From: 'Du', 'To (included)': 'Au (inclus)' } },
    // Dates in the same form compare as text; an empty period would give an empty report without saying why.
    checkParams: ({ from, to }) => (to < from ? [{ path: '/to', message: `must not be before ${from}` }] : []),
    interruptible: false,
    requeueable: true,
    async handler(job) {
      const text = texts[pickLocale(job.locale)];
      await job.step('collect', text.collectStep);
      const { rows } = await db.query<{ type: string; status: string; jobs: number; warnings: number; errors: number }>(
        `
select type, status, count(*)::int as jobs, coalesce(sum(warnings), 0)::int as warnings,
  coalesce(sum(errors), 0)::int as errors
from jobs
where user_id = $3::text and created_at >= $1::date and created_at < $2::date + 1
group by type, status
order by type, status`,
        [job.params.from, job.params.to, job.userId],
      );
      job.count('read', rows.length);
      job.progress(1, 2, text.collected);
      await job.step('write', text.writeStep);
      let csv = csvLine(['type', 'status', 'jobs', 'warnings', 'errors']);
      for (const row of rows) csv += csvLine([row.type, row.status, row.jobs, row.warnings, row.errors]);
      await job.saveArtifact({
        name: 'report.csv',
        role: 'output',
        fileName: `activity-${job.params.from}-to-${job.params.to}.csv`,
        contentType: 'text/csv',
        data: csv,
      });
      job.count('written', rows.length);
      job.progress(2, 2, text.ready);
    },
  };
}
