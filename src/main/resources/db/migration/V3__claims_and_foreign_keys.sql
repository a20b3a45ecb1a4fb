-- "owner" named the instance holding a running job's claim; owners are people from now on
-- (API keys), so the claim column says what it is.
ALTER TABLE jobs RENAME COLUMN owner TO claimed_by;

-- A job's history belongs to the job: deleting the job deletes its history in the same statement.
DELETE FROM job_history WHERE job_id NOT IN (SELECT id FROM jobs);
ALTER TABLE job_history ADD CONSTRAINT job_history_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE;

-- Not foreign keys, on purpose: jobs.dataset_id may name a built-in data set that has no row;
-- models.job_id and jobs.model_id are provenance that outlives either side (a model stays when its
-- job is deleted); jobs.sweep_id is written before its sweep row, in the same transaction.
