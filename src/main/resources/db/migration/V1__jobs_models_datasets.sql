-- One dialect for H2 (MODE=PostgreSQL) and PostgreSQL.

CREATE TABLE datasets (
    id              VARCHAR(64)  PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    columns_json    TEXT         NOT NULL,
    features        INT          NOT NULL,
    targets         INT          NOT NULL,
    train_rows      INT          NOT NULL,
    test_rows       INT          NOT NULL,
    -- row-major little-endian doubles
    train_x         BYTEA        NOT NULL,
    train_y         BYTEA        NOT NULL,
    test_x          BYTEA,
    test_y          BYTEA,
    -- false for data sent inline with a job: stored so the job can be retrained, not listed
    listed          BOOLEAN      NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE jobs (
    id                    VARCHAR(36)  PRIMARY KEY,
    name                  VARCHAR(200),
    status                VARCHAR(16)  NOT NULL,
    spec                  TEXT         NOT NULL,
    dataset_id            VARCHAR(64)  NOT NULL,
    sweep_id              VARCHAR(36),
    layer_sizes           VARCHAR(2000) NOT NULL,
    iterations            INT          NOT NULL,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at            TIMESTAMP WITH TIME ZONE,
    finished_at           TIMESTAMP WITH TIME ZONE,
    -- the claim: which instance trains the job, and when it last said so
    attempts              INT          NOT NULL DEFAULT 0,
    owner                 VARCHAR(200),
    heartbeat_at          TIMESTAMP WITH TIME ZONE,
    cancel_requested      BOOLEAN      NOT NULL DEFAULT FALSE,
    -- latest progress, written with each history batch
    progress_iteration    INT,
    iterations_per_second DOUBLE PRECISION,
    train_loss            DOUBLE PRECISION,
    validation_loss       DOUBLE PRECISION,
    test_loss             DOUBLE PRECISION,
    train_rows            INT,
    validation_rows       INT,
    test_rows             INT,
    error_type            VARCHAR(50),
    error_detail          VARCHAR(4000),
    model_id              VARCHAR(36),
    version               INT          NOT NULL DEFAULT 0
);

CREATE INDEX jobs_by_status ON jobs (status, created_at);
CREATE INDEX jobs_newest_first ON jobs (created_at, id);
CREATE INDEX jobs_by_sweep ON jobs (sweep_id);

-- A job's history in batches: each row packs consecutive points as little-endian doubles, so a
-- million iterations are a few hundred rows, written and read in linear time.
CREATE TABLE job_history (
    job_id           VARCHAR(36) NOT NULL,
    first_iteration  INT         NOT NULL,
    point_count      INT         NOT NULL,
    layers           INT         NOT NULL,
    train            BYTEA       NOT NULL,
    validation       BYTEA,
    test             BYTEA,
    gradient_norms   BYTEA       NOT NULL,
    PRIMARY KEY (job_id, first_iteration)
);

CREATE TABLE models (
    id                 VARCHAR(36)   PRIMARY KEY,
    job_id             VARCHAR(36),
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    layer_sizes        VARCHAR(2000) NOT NULL,
    activation         VARCHAR(16)   NOT NULL,
    bias               BOOLEAN       NOT NULL,
    basis_degree       INT           NOT NULL,
    preprocessing_mean BYTEA,
    preprocessing_std  BYTEA,
    -- W0, b0, W1, b1, … row-major little-endian doubles
    parameters         BYTEA         NOT NULL,
    train_loss         DOUBLE PRECISION,
    test_loss          DOUBLE PRECISION
);

CREATE INDEX models_newest_first ON models (created_at, id);
