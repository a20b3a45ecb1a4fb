-- Owners take turns in the queue (JobRepository#nextTurn): a job's turn is fixed when it is queued,
-- and workers claim in turn order, then oldest first. Jobs queued before this migration share turn 0,
-- the front of the queue, in their old order.
ALTER TABLE jobs ADD COLUMN queue_turn BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_in_turn ON jobs (status, queue_turn, created_at, id);
