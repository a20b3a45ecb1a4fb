-- Issue 11: API keys, an owner on everything users create, and stored answers for Idempotency-Key.

-- Keys are stored only as the hex SHA-256 of the secret. Revoked keys keep their row so their name
-- (which is the owner of everything made with the key) can never be handed to someone else.
CREATE TABLE api_keys (
    id            VARCHAR(36)  PRIMARY KEY,
    name          VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    secret_hash   VARCHAR(64),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_name UNIQUE (name),
    CONSTRAINT api_keys_secret UNIQUE (secret_hash)
);

-- The bootstrap admin: its secret is set at first start (written to <data-dir>/admin.key) unless
-- trainyard.auth.bootstrap-key is configured. Everything that existed before keys belongs to it.
INSERT INTO api_keys (id, name, role, secret_hash, created_at)
VALUES ('00000000-0000-0000-0000-000000000001', 'admin', 'admin', NULL, CURRENT_TIMESTAMP);

ALTER TABLE jobs ADD COLUMN owner VARCHAR(100) DEFAULT 'admin' NOT NULL;
ALTER TABLE jobs ALTER COLUMN owner DROP DEFAULT;
ALTER TABLE sweeps ADD COLUMN owner VARCHAR(100) DEFAULT 'admin' NOT NULL;
ALTER TABLE sweeps ALTER COLUMN owner DROP DEFAULT;
ALTER TABLE datasets ADD COLUMN owner VARCHAR(100) DEFAULT 'admin' NOT NULL;
ALTER TABLE datasets ALTER COLUMN owner DROP DEFAULT;
ALTER TABLE models ADD COLUMN owner VARCHAR(100) DEFAULT 'admin' NOT NULL;
ALTER TABLE models ALTER COLUMN owner DROP DEFAULT;

-- Lists filtered by owner, and the active-jobs quota (queued + running per owner).
CREATE INDEX jobs_by_owner ON jobs (owner, status);
CREATE INDEX sweeps_by_owner ON sweeps (owner);
CREATE INDEX datasets_by_owner ON datasets (owner);
CREATE INDEX models_by_owner ON models (owner);

-- The first answer to (owner, Idempotency-Key, endpoint): status is null while that first request
-- is still being handled. The primary key is what makes twenty concurrent duplicates create one job.
CREATE TABLE idempotency_keys (
    owner         VARCHAR(100)  NOT NULL,
    idem_key      VARCHAR(255)  NOT NULL,
    endpoint      VARCHAR(100)  NOT NULL,
    request_hash  VARCHAR(64)   NOT NULL,
    status        INT,
    location      VARCHAR(1000),
    content_type  VARCHAR(200),
    body          BYTEA,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (owner, idem_key, endpoint)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
