/** `GET /jobs/{id}`, its report, messages and artifacts: whoever may see the job (see auth/permissions.ts). */
import { Hono } from 'hono';
import { canSee } from '../auth/permissions.js';
import type { Principal } from '../auth/types.js';
import { bindingOf, decodeCursor, encodeCursor, malformedCursor } from '../http/cursor.js';
import type { AppContext, AppEnv, Services } from '../http/env.js';
import { toJobDetail } from '../http/jobView.js';
import { pickLocale } from '../http/locale.js';
import { notFound } from '../http/problem.js';
import { validate, validInput } from '../http/validation.js';
import { getArtifact, listArtifacts } from '../store/artifacts.js';
import { getJob } from '../store/getJob.js';
import { countMessages, listMessages } from '../store/messages.js';
import { queueInfo } from '../store/queueInfo.js';
import { isJobId, type JobRow } from '../store/rows.js';

/** The job, or 404 whether it does not exist or the caller may not see it: the two must look the same. */
export async function visibleJob(services: Services, principal: Principal, id: string): Promise<JobRow> {
  const row = isJobId(id) ? await getJob(services.db, id) : null;
  if (!row || !canSee(principal, row.user_id)) throw notFound(`No job ${id}.`);
  return row;
}

/**
 * Whether an artifact is a file uploaded for a sensitive param (a private key, say), which must no more be served than
 * the param itself; or one uploaded for a type this server no longer defines, which cannot say whether it was.
 */
function isSecretInput(services: Services, row: JobRow, artifact: { name: string; role: string }): boolean {
  if (artifact.role !== 'input') return false;
  if (!services.registry.get(row.type)) return true;
  return services.registry.params(row.type).some((param) => param.name === artifact.name && param.sensitive);
}

export async function detailOf(services: Services, c: AppContext, row: JobRow) {
  return toJobDetail(row, {
    registry: services.registry,
    principal: c.get('principal'),
    locale: pickLocale(c.req.header('accept-language')),
    queue: await queueInfo(services.db, row.status === 'queued' ? [row.id] : []),
    retention: services.retention,
  });
}

/**
 * A download's file name as both forms say it: plain ASCII for old clients, RFC 8187 UTF-8 for the others. No path
 * separators (a browser keeps only the last part, a script may not) and no control or direction marks (U+202E turns
 * "report\u202Efdp.exe" into what reads as an .pdf file).
 */
function contentDisposition(fileName: string, fallback: string): string {
  const cleaned = fileName.replace(/[/\\]/g, '_').replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '');
  // A name made only of control or direction marks would leave the browser to make one up.
  const safe = cleaned.trim() === '' ? fallback : cleaned;
  const ascii = safe.replace(/[^\x20-\x7e]|["\\]/g, '_');
  // encodeURIComponent leaves ' ( ) * as they are, which RFC 8187 does not allow in a value.
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function jobRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/jobs/:id', validate('getJob'), async (c) => {
    const row = await visibleJob(services, c.get('principal'), c.req.param('id'));
    return c.json(await detailOf(services, c, row));
  });

  app.get('/jobs/:id/report', validate('getJobReport'), async (c) => {
    const row = await visibleJob(services, c.get('principal'), c.req.param('id'));
    const [job, messageCounts, artifacts] = await Promise.all([
      detailOf(services, c, row),
      countMessages(services.db, row.id),
      listArtifacts(services.db, row.id),
    ]);
    return c.json({
      job,
      steps: row.steps.map((step) => ({
        name: step.name,
        label: step.label,
        status: step.status,
        startedAt: step.startedAt ?? null,
        endedAt: step.endedAt ?? null,
        counters: step.counters ?? {},
      })),
      messageCounts,
      artifacts: artifacts
        .filter((a) => !isSecretInput(services, row, a))
        .map((a) => ({
          name: a.name,
          role: a.role,
          fileName: a.file_name,
          contentType: a.content_type,
          size: a.size,
          createdAt: a.created_at.toISOString(),
        })),
    });
  });

  app.get('/jobs/:id/messages', validate('listJobMessages'), async (c) => {
    const row = await visibleJob(services, c.get('principal'), c.req.param('id'));
    const { level, cursor, limit = 50 } = validInput(c, 'listJobMessages').query;
    const levels = level ? [...new Set(level)].sort() : null;
    const binding = bindingOf({ job: row.id, levels });
    const afterId = cursor ? decodeCursor(cursor, binding, 1)[0]! : null;
    if (afterId !== null && !/^[0-9]{1,18}$/.test(afterId)) {
      throw malformedCursor();
    }
    const page = await listMessages(services.db, row.id, { levels, afterId, limit });
    const last = page.rows.at(-1);
    return c.json({
      items: page.rows.map((m) => ({
        id: m.id,
        level: m.level,
        message: m.message,
        item: m.item,
        step: m.step,
        at: m.at.toISOString(),
      })),
      nextCursor: page.hasMore && last ? encodeCursor([last.id], binding) : null,
    });
  });

  app.get('/jobs/:id/artifacts/:name', validate('getJobArtifact'), async (c) => {
    const row = await visibleJob(services, c.get('principal'), c.req.param('id'));
    const artifact = await getArtifact(services.db, row.id, c.req.param('name'));
    if (!artifact || isSecretInput(services, row, artifact)) {
      throw notFound(`Job ${row.id} has no artifact "${c.req.param('name')}".`);
    }
    return new Response(artifact.data as Uint8Array<ArrayBuffer>, {
      headers: {
        'content-type': artifact.content_type,
        'content-length': String(artifact.data.byteLength),
        'content-disposition': contentDisposition(artifact.file_name, artifact.name),
      },
    });
  });

  return app;
}
