-- Secrets that every instance sharing this database must agree on. Each is made by the first instance
-- that needs it (system/ServiceSecrets: an insert that only the first of instances racing for it wins,
-- after which all read the same row), so there is nothing to configure and nothing per instance.
--   page-cursor: the key of the check that page cursors carry (system/PageCursors). A cursor is taken
--   only as it was handed out, for the list and the filters it was handed out for; without a key the
--   check was a public digest that anyone could compute for a position of their choosing.
CREATE TABLE service_secrets (
    name        VARCHAR(64)  PRIMARY KEY,
    secret      VARCHAR(128) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
