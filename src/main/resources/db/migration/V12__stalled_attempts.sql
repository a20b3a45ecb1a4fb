-- Attempts in a row that ended without a new checkpoint: what JobRecovery gives up on (max-attempts),
-- where it used to count every interruption in a job's life, so that a job making progress through
-- several crashes or freezes was failed with most of its work done. Reset by every checkpoint.
ALTER TABLE jobs ADD COLUMN stalled_attempts INT DEFAULT 0 NOT NULL;
UPDATE jobs SET stalled_attempts = attempts;
