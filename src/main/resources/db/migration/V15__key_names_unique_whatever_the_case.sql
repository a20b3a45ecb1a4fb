-- Key names are unique whatever their case ('Alice' beside 'alice' would be two owners nobody can
-- tell apart). Instances used to check that under a lock of their own JVM, so instances sharing one
-- PostgreSQL could each create a case variant of the same name at the same moment (audit F4). The
-- database now decides: folded_name holds the name lower-cased (ApiKeys writes it with
-- toLowerCase(Locale.ROOT); names are ASCII letters, digits, '.', '_' and '-', for which LOWER agrees)
-- and is UNIQUE, so of case variants inserted at once exactly one commits.
ALTER TABLE api_keys ADD COLUMN folded_name VARCHAR(140);

UPDATE api_keys SET folded_name = LOWER(name);

-- Case variants that already exist (made through that race) are kept, names and all: a key's name is
-- the owner of everything made with it, so renaming one would orphan its data, and deleting one would
-- lose it. The oldest of each group (by created_at, then id) keeps the plain folded name, which is what
-- every new variant collides with; each younger one gets its own id appended, which no insert writes
-- (an id holds '-', a name no '#'), so it blocks nothing and nothing blocks it. Listed afterwards by
--   SELECT name, folded_name FROM api_keys WHERE folded_name <> LOWER(name)
-- and logged as a warning at every start (security/AdminKeyBootstrap).
UPDATE api_keys k SET folded_name = LOWER(k.name) || '#' || k.id
WHERE EXISTS (
    SELECT 1 FROM api_keys older
    WHERE LOWER(older.name) = LOWER(k.name)
        AND (older.created_at < k.created_at OR (older.created_at = k.created_at AND older.id < k.id)));

ALTER TABLE api_keys ALTER COLUMN folded_name SET NOT NULL;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_folded_name UNIQUE (folded_name);
