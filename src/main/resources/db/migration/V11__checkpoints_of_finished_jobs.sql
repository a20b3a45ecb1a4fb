-- Jobs ended by a recovery (FAILED interrupted, CANCELLED) or cancelled while queued after a hand-back
-- kept their checkpoint until they were deleted; nothing resumes a finished job, and a checkpoint can be
-- three times the size of its network. Those now go when the job ends; this removes the ones left before.
DELETE FROM job_checkpoints
WHERE job_id IN (SELECT id FROM jobs WHERE status IN ('SUCCEEDED', 'FAILED', 'CANCELLED'));
