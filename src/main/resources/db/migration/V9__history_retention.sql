-- Histories, bounded (issue 12): the coarse level keeps weight norms too, and a retention setting may
-- drop the full-resolution batches of finished jobs and keep only the coarse level.

-- Frobenius norm of each Wl at each kept point, packed like gradient_norms; null for coarse rows
-- written before (or for batches stored without weight norms).
ALTER TABLE job_history_coarse ADD COLUMN weight_norms BYTEA;

-- Jobs whose full-resolution history was dropped by trainyard.history.retention: their reads are served
-- from the coarse level and say so. The row goes with the job.
CREATE TABLE job_history_pruned (
    job_id     VARCHAR(36) PRIMARY KEY,
    pruned_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT job_history_pruned_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
);
