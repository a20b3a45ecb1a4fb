-- Admitting a job asks for its owner's latest turn (JobRepository#nextTurn) under the admission lock.
-- With only (owner, status) indexed, that read every row of the owner's queued jobs to find its
-- queue_turn: with 1,000 queued it took 0.2-0.85 ms while each admission held the lock.
-- With queue_turn in the index it is read from the index alone (docs/benchmarks.md, session 37).
-- The old index's columns are this one's prefix, so it goes.
CREATE INDEX jobs_owner_turn ON jobs (owner, status, queue_turn);
DROP INDEX jobs_by_owner;
