-- A coarse level beside every stored history batch: at most 32 of the batch's points, chosen to keep
-- the shape of the loss and of the gradient norms. Downsampled reads (maxPoints) read these small
-- rows instead of every point, so their cost does not grow with the batch sizes.
CREATE TABLE job_history_coarse (
    job_id           VARCHAR(36) NOT NULL,
    first_iteration  INT         NOT NULL,
    -- points of the full-resolution batch this row summarises
    point_count      INT         NOT NULL,
    -- points kept here
    kept_count       INT         NOT NULL,
    layers           INT         NOT NULL,
    -- the kept points' iterations, as little-endian doubles like the other columns
    iterations       BYTEA       NOT NULL,
    train            BYTEA       NOT NULL,
    validation       BYTEA,
    test             BYTEA,
    gradient_norms   BYTEA       NOT NULL,
    PRIMARY KEY (job_id, first_iteration),
    CONSTRAINT job_history_coarse_job FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE CASCADE
);
