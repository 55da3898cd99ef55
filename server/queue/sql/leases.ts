/**
 * The CTEs that every statement ending or marking jobs of a worker starts with: $1 worker id, $2 the jobs, $3 leases
 * of theirs to delete (none of their jobs runs any more), $4 leases of theirs to keep. `held` is the listed jobs
 * these leases still hold, with when each was claimed. Deleting a lease, or
 * locking it `for key share`, is what makes the statement safe against a lease recovery on another connection:
 * recovery takes its leases `for update skip locked`, so it skips a lease locked here, and a lease it took first is
 * gone by the time this statement gets it (so its jobs are not in `held`). Leases are locked in id order, as the
 * heartbeat locks them, so two statements never wait for each other's leases in a cycle.
 *
 * The statements then reach `jobs` by one `id = any(…)` of the held jobs: a second `id = any(…)` on the same
 * index scan made PostgreSQL 15 try every pair of the two arrays' elements (a 100-job completion preprocessed 10,000
 * scan keys: `_bt_preprocess_keys` in perf profiles of bench:queue).
 */
export const heldByLeases = `finished as (
  delete from job_leases
  where id = any(array(
    select id from job_leases where id = any($3::bigint[]) and worker = $1::text order by id for update
  ))
  returning claimed_at, job_ids
), kept as (
  select claimed_at, job_ids from job_leases
  where id = any($4::bigint[]) and worker = $1::text
  order by id
  for key share
), held as (
  select u.job_id, l.claimed_at
  from (select claimed_at, job_ids from finished union all select claimed_at, job_ids from kept) as l
  cross join lateral unnest(l.job_ids) as u(job_id)
  join unnest($2::bigint[]) as listed(id) on listed.id = u.job_id
)`;

/**
 * How a statement with `held` in its FROM reaches the held jobs: by primary key, then joined to `held` for each
 * job's claim time (its start, if it was never marked running). Not `array_position` in an array of claim times:
 * that is a linear search per job, which PGlite felt at 500 jobs per completion.
 */
export const whereHeld = `jobs.id = any(array(select job_id from held)) and jobs.id = held.job_id`;
