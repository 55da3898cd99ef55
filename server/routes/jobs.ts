/** `GET /jobs`, `GET /jobs/facets` and `GET /jobs/export`: the overview, its chips and its CSV. */
import { Hono } from 'hono';
import { asksForOthers, listScope } from '../auth/permissions.js';
import type { Principal } from '../auth/types.js';
import { csvLine } from '../http/csv.js';
import { bindingOf, decodeCursor, encodeCursor, malformedCursor } from '../http/cursor.js';
import type { AppContext, AppEnv, Services } from '../http/env.js';
import { toJob } from '../http/jobView.js';
import { pickLocale } from '../http/locale.js';
import { forbidden } from '../http/problem.js';
import { validate, validInput } from '../http/validation.js';
import { countJobs } from '../store/countJobs.js';
import { jobFacets } from '../store/jobFacets.js';
import type { JobFilters } from '../store/jobFilters.js';
import { type JobListKey, listJobs } from '../store/listJobs.js';
import { queueInfo } from '../store/queueInfo.js';
import { finishedStatuses, isJobId, type JobListRow, unfinishedStatuses } from '../store/rows.js';

const knownStatuses = [...unfinishedStatuses, ...finishedStatuses];

interface FilterQuery {
  status?: string[];
  user?: string[];
  type?: string[];
  q?: string;
  subject?: string;
  error?: string;
  from?: string;
  to?: string;
  updatedAfter?: string;
}

function resolveStatuses(requested: string[] | undefined): string[] | null {
  if (!requested || requested.includes('all')) return null;
  const statuses = new Set<string>();
  for (const value of requested) {
    if (value === 'processed') for (const s of finishedStatuses) statuses.add(s);
    else if (value === 'unprocessed') for (const s of unfinishedStatuses) statuses.add(s);
    else statuses.add(value);
  }
  return [...statuses];
}

/** The filters of a list request, scoped to what the caller may list (403 when asking for others' jobs). */
export function filtersFrom(services: Services, principal: Principal, query: FilterQuery): JobFilters {
  if (asksForOthers(principal, query.user)) {
    throw forbidden("Listing other users' jobs needs the jobs:read:any permission.");
  }
  return {
    owners: listScope(principal, query.user),
    statuses: resolveStatuses(query.status),
    types: query.type,
    text: query.q
      ? {
          value: query.q,
          matches: services.registry.textMatches(query.q),
          knownTypes: services.registry.all().map((t) => t.type),
          sensitiveParams: services.registry.sensitiveParams(),
          declaredOnly: services.registry.declaredOnlyParams(),
        }
      : undefined,
    subject: query.subject,
    errorCode: query.error,
    createdFrom: query.from,
    createdTo: query.to,
    updatedAfter: query.updatedAfter,
  };
}

export async function jobViews(services: Services, c: AppContext, rows: JobListRow[]) {
  const queued = rows.filter((row) => row.status === 'queued').map((row) => row.id);
  const view = {
    registry: services.registry,
    principal: c.get('principal'),
    locale: pickLocale(c.req.header('accept-language')),
    queue: await queueInfo(services.db, queued),
  };
  return rows.map((row) => toJob(row, view));
}

export function jobListRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/jobs', validate('listJobs'), async (c) => {
    const { cursor, limit = 50, sort = '-createdAt', ...query } = validInput(c, 'listJobs').query;
    const filters = filtersFrom(services, c.get('principal'), query);
    const binding = bindingOf({ filters, sort });
    const after = cursor ? (decodeCursor(cursor, binding, 2) as JobListKey) : null;
    // Every sort value is set (listJobs.ts): a null one was forged, and would compare as unknown (an empty page).
    if (after && (after[0] === null || !isJobId(after[1]))) throw malformedCursor();
    const [page, total] = await Promise.all([
      listJobs(services.db, filters, { sort, after, limit }).catch((error: unknown) => {
        // The sort value is cast in the database: a forged one that is no timestamp fails there (SQLSTATE 22…).
        if (after && /^22/.test((error as { code?: string }).code ?? '')) throw malformedCursor();
        throw error;
      }),
      countJobs(services.db, filters, services.countCap),
    ]);
    return c.json({
      items: await jobViews(services, c, page.rows),
      nextCursor: page.nextKey ? encodeCursor(page.nextKey, binding) : null,
      total,
    });
  });

  app.get('/jobs/facets', validate('getJobFacets'), async (c) => {
    const filters = filtersFrom(services, c.get('principal'), validInput(c, 'getJobFacets').query);
    const locale = pickLocale(c.req.header('accept-language'));
    const types = services.registry.all().map((t) => t.type);
    const [statuses, typeCounts] = await Promise.all([
      jobFacets(services.db, filters, 'status', knownStatuses, services.countCap),
      jobFacets(services.db, filters, 'type', types, services.countCap),
    ]);
    return c.json({
      statuses: statuses.map((f) => ({ status: f.value, count: f.count })),
      types: typeCounts.map((f) => ({
        type: f.value,
        label: services.registry.label(f.value, locale),
        count: f.count,
      })),
    });
  });

  app.get('/jobs/export', validate('exportJobs'), async (c) => {
    const filters = filtersFrom(services, c.get('principal'), validInput(c, 'exportJobs').query);
    const page = await listJobs(services.db, filters, { limit: services.exportCap });
    const header = ['id', 'type', 'status', 'user', 'createdAt', 'startedAt', 'endedAt', 'host', 'warnings', 'errors'];
    const lines = page.rows.map((row) =>
      csvLine([
        row.id,
        row.type,
        row.status,
        row.user_id,
        row.created_at.toISOString(),
        row.started_at?.toISOString(),
        row.ended_at?.toISOString(),
        row.host,
        row.warnings,
        row.errors,
      ]),
    );
    const headers: Record<string, string> = {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="jobs.csv"',
    };
    if (page.nextKey) headers['x-truncated'] = 'true';
    return new Response(csvLine(header) + lines.join(''), { headers });
  });

  return app;
}
