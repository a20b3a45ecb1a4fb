-- One row per claim of a job, i.e. per attempt to train it: which instance ran it, the iteration
-- it resumed after and how it ended. Written in the claim's transaction and then only under its
-- fencing token (jobs.version at the claim), so a stale worker cannot touch it; recovery closes an
-- expired claim's row as 'lost'. Jobs trained before this version have no rows.
CREATE TABLE job_attempts (
    job_id          VARCHAR(36)  NOT NULL,
    attempt_number  INT          NOT NULL,
    token           INT          NOT NULL,
    instance        VARCHAR(200),
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    resumed_from    INT,
    ended_at        TIMESTAMP WITH TIME ZONE,
    outcome         VARCHAR(16),
    PRIMARY KEY (job_id, attempt_number),
    CONSTRAINT job_attempts_token UNIQUE (job_id, token),
    CONSTRAINT job_attempts_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
);
