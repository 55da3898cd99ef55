/**
 * The WHERE clause shared by the list, its totals, facets and CSV export, so every view of "the current filter"
 * agrees. Permission scoping arrives here already decided (`owners`), see server/auth/permissions.ts.
 */
import { likeEscape, type Params } from './sql.js';

/** A job of `type` matches if its params have the param `has`, or contain `contains` (`@>`). */
export interface ParamMatch {
  type: string;
  has?: string;
  contains?: Record<string, unknown>;
}

export interface TextMatches {
  types: string[];
  params: ParamMatch[];
}

export interface JobFilters {
  /** Only these owners; null for everyone (only for callers with `jobs:read:any`). */
  owners: string[] | null;
  /** Only these statuses; null or absent for all. */
  statuses?: string[] | null;
  types?: string[];
  /**
   * Free text, with what it matches outside the row precomputed by the caller (labels live in code). Param values
   * are searched only in jobs of `knownTypes`, never in `sensitiveParams`, and in jobs of a type `declaredOnly`
   * lists only in the params it lists for it.
   */
  text?: {
    value: string;
    matches: TextMatches;
    knownTypes: string[];
    sensitiveParams: string[];
    declaredOnly: Record<string, string[]>;
  };
  subject?: string;
  errorCode?: string;
  createdFrom?: string;
  createdTo?: string;
  updatedAfter?: string;
}

export function jobFilterSql(filters: JobFilters, params: Params): string {
  const where: string[] = [];
  const { owners, statuses, types, text } = filters;
  // One owner is the common case; `=` lets the planner walk jobs_user_created_idx in order.
  if (owners?.length === 1) where.push(`j.user_id = ${params.add(owners[0])}::text`);
  else if (owners) where.push(`j.user_id = any(${params.add(owners)}::text[])`);
  if (statuses) where.push(`j.status = any(${params.add(statuses)}::text[])`);
  if (types?.length) where.push(`j.type = any(${params.add(types)}::text[])`);
  if (filters.subject) where.push(`${params.add(filters.subject)}::text = any(j.subjects)`);
  if (filters.errorCode) where.push(`j.status = 'failed' and j.error_code = ${params.add(filters.errorCode)}::text`);
  if (filters.createdFrom) where.push(`j.created_at >= ${params.add(filters.createdFrom)}::timestamptz`);
  if (filters.createdTo) where.push(`j.created_at < ${params.add(filters.createdTo)}::timestamptz`);
  if (filters.updatedAfter) where.push(`j.updated_at > ${params.add(filters.updatedAfter)}::timestamptz`);
  if (text) {
    const contains = params.add(`%${likeEscape(text.value)}%`);
    const declaredOnly = `${params.add(JSON.stringify(text.declaredOnly))}::jsonb`;
    const alternatives = [
      `j.user_name ilike ${contains}`,
      `j.user_id ilike ${contains}`,
      `exists (select 1 from unnest(j.subjects) s where s ilike ${contains})`,
      // Option values, sensitive ones excepted: searching must not reveal a secret by trial and error. A type no
      // longer defined cannot say which of its params are secrets, nor can a `declaredOnly` one which of those it
      // does not declare. `case`, because jsonb_each_text fails on params that are no object (a host's own SQL may
      // queue such a job), and only `case` fixes the order of evaluation.
      `case when j.type = any(${params.add(text.knownTypes)}::text[]) and jsonb_typeof(j.params) = 'object'
        then exists (select 1 from jsonb_each_text(j.params) p
          where p.value ilike ${contains} and p.key <> all(${params.add(text.sensitiveParams)}::text[])
            and (not ${declaredOnly} ? j.type or (${declaredOnly} -> j.type) ? p.key))
        else false end`,
    ];
    if (/^[0-9]{1,18}$/.test(text.value)) alternatives.unshift(`j.id::text like ${params.add(`${text.value}%`)}`);
    const { types, params: paramMatches } = text.matches;
    if (types.length) alternatives.push(`j.type = any(${params.add(types)}::text[])`);
    if (paramMatches.length) {
      // A param's title or a choice's title: jobs of that type that have the param, or have it set to that choice.
      alternatives.push(`exists (select 1 from jsonb_to_recordset(${params.add(JSON.stringify(paramMatches))}::jsonb)
        as m(type text, has text, contains jsonb)
        where m.type = j.type and ((j.params -> m.has) is not null or j.params @> m.contains))`);
    }
    where.push(`(${alternatives.join('\n    or ')})`);
  }
  return where.length ? where.join('\n  and ') : 'true';
}
