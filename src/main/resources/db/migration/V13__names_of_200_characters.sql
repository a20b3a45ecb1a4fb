-- Names are at most 200 characters (Unicode code points, as a person counts them). H2 measures a
-- VARCHAR in UTF-16 units, in which a character outside the Basic Multilingual Plane (most emoji)
-- takes two: a name of 101 emoji was refused as 202 characters. 400 units hold any 200 characters.
-- (PostgreSQL counts characters already; the wider limit changes nothing there.)
ALTER TABLE datasets ALTER COLUMN name SET DATA TYPE VARCHAR(400);
ALTER TABLE jobs ALTER COLUMN name SET DATA TYPE VARCHAR(400);
ALTER TABLE sweeps ALTER COLUMN name SET DATA TYPE VARCHAR(400);
ALTER TABLE models ALTER COLUMN dataset_name SET DATA TYPE VARCHAR(400);
