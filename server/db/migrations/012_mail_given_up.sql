-- A mail the SMTP server refuses for good (a 5xx answer to its recipient or to its content) is given up, with the
-- server's answer in `last_error`, instead of being sent again every ten minutes for ever. A refusal of the
-- sender's own settings (authentication, the From address) is still retried: once they are fixed, the mails
-- waiting meanwhile go out.
alter table mail_outbox add column given_up_at timestamptz;
drop index mail_outbox_due_idx;
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where sent_at is null and given_up_at is null;
