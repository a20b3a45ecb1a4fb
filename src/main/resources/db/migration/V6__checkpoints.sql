-- The latest resumable training state of a running job (engine TrainingState.encode()): one row
-- per job, replaced at every checkpoint, gone with the job.
CREATE TABLE job_checkpoints (
    job_id      VARCHAR(36) PRIMARY KEY,
    iteration   INT         NOT NULL,
    state       BYTEA       NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT job_checkpoints_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
);

-- The iteration the current attempt resumed from (0 when it started from the seed, null before it starts).
ALTER TABLE jobs ADD COLUMN resumed_from INT;
