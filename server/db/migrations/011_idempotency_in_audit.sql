-- Idempotency keys the `jobs` row cannot keep, kept in the audit row of the action instead, and found there by a
-- retry within the 24 hours the contract promises:
-- - A requeue's key (`detail.idempotencyKey`, beside `detail.newJobId`): the key belongs to the caller, who may be
--   a manager requeuing someone else's job, so it is not kept on the new job, whose owner is the original's.
-- - The key of a launch whose job was deleted (`detail.idempotencyKey` and `detail.launchedAt` of the delete): the
--   key went with the row, and a late retry of the launch queued the job again.
create index job_audit_requeue_key_idx on job_audit (actor_id, (detail ->> 'idempotencyKey'))
where action = 'requeue';
create index job_audit_deleted_launch_key_idx on job_audit ((detail ->> 'owner'), (detail ->> 'idempotencyKey'))
where action = 'delete' and detail ? 'idempotencyKey';
