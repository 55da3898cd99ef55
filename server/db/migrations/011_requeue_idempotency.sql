-- A requeue sent with an `Idempotency-Key` records the key in its audit row (`detail.idempotencyKey`), beside the
-- job it made (`detail.newJobId`): a retry finds it there, by who asked and the key, and answers that job instead
-- of queuing another. The key belongs to the caller, who may be a manager requeuing someone else's job, so it is
-- not kept on the new job, whose owner is the original's.
create index job_audit_requeue_key_idx on job_audit (actor_id, (detail ->> 'idempotencyKey'))
where action = 'requeue';
