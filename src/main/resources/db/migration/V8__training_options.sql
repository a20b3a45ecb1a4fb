-- Training options (issue 14): explicit validation parts of data sets, the job's early-stopping
-- outcome, its latest diagnostics and memory estimate, and weight norms beside the gradient norms.

-- A data set's own validation part (uploads with validationFraction or validationX/validationY,
-- inline job data with validationX/validationY); row-major little-endian doubles like train_x.
ALTER TABLE datasets ADD COLUMN validation_rows INT NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN validation_x BYTEA;
ALTER TABLE datasets ADD COLUMN validation_y BYTEA;

-- Set when the job ends (early stopping) and at every history flush (diagnostics, JSON).
ALTER TABLE jobs ADD COLUMN stopped_early BOOLEAN;
ALTER TABLE jobs ADD COLUMN best_iteration INT;
ALTER TABLE jobs ADD COLUMN diagnostics TEXT;
-- Working memory estimated at submission, in bytes.
ALTER TABLE jobs ADD COLUMN estimated_memory_bytes BIGINT;

-- Frobenius norm of each Wl per point, packed like gradient_norms; null for batches written before.
ALTER TABLE job_history ADD COLUMN weight_norms BYTEA;
