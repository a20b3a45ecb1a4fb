-- Hyperparameter sweeps: one row per sweep; its jobs point back with jobs.sweep_id.

CREATE TABLE sweeps (
    id           VARCHAR(36)  PRIMARY KEY,
    name         VARCHAR(200),
    -- the base job spec as sent (inline data replaced by the id of its stored copy), seed filled in
    base         TEXT         NOT NULL,
    -- {"alpha": [...], "layers": [[...], ...], ...} in the order the user gave the keys
    grid         TEXT         NOT NULL,
    select_by    VARCHAR(16)  NOT NULL,
    -- job ids in grid order (JSON array), so the leaderboard can name each job's grid point
    job_ids      TEXT         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX sweeps_newest_first ON sweeps (created_at, id);
