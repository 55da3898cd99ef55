-- A claim writes only `job_queue`: which worker holds the job, since when, and until when its lease runs. `jobs`
-- learns that a job runs when its worker marks it (server/queue/sql/markJobsRunning.ts: after a few milliseconds,
-- or before the handler's first report), or at its end for a job that ends sooner: a no-op job writes its `jobs`
-- row once instead of twice, and makes one live event instead of two (bench:queue, docs/benchmarks.md).
-- While held and unmarked, a job reads `queued` with no host in `jobs`; `job_queue.host` is the truth.
alter table job_queue
  add column claimed_at timestamptz,
  add column lease_expires_at timestamptz;

update job_queue q
set claimed_at = coalesce(j.started_at, now()), lease_expires_at = coalesce(j.lease_expires_at, now())
from jobs j
where j.id = q.job_id and q.host is not null;

-- Recovery looks for lapsed leases among held rows only.
drop index job_queue_held_idx;
create index job_queue_lease_idx on job_queue (lease_expires_at) where host is not null;

-- Leases live in job_queue now.
alter table jobs drop column lease_expires_at;
