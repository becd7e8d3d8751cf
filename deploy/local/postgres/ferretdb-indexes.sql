-- Index-backed equality lookups for FerretDB 1.24 on PostgreSQL (docs/adr/0005).
--
-- FerretDB pushes an equality filter {f: v} down as `_jsonb->'f' @> v`, which no btree index serves
-- (the indexes FerretDB creates for createIndex are btree on `_jsonb->'f'`), so every lookup, even by
-- `_id`, is a sequential scan: O(collection) per event-store read. A GIN jsonb_path_ops index on the
-- same expression serves `@>` exactly. This event trigger gives every table FerretDB creates such an
-- index for the keys our hot paths look up by equality; the DO block backfills existing tables.
-- `keys` is the read models' one equality field (an array of "name:value" strings, see
-- libs/ferretdb/src/README.md); `mentions` lists the ids a commit's events concern.
-- Keep this list equal to EQUALITY_FIELDS in libs/ferretdb/src/equality-fields.ts.
-- Idempotent: run on every `postgres.sh up`.
--
-- FerretDB prepares and caches its statements (pgx QueryExecModeCacheStatement) with the field name as
-- a parameter: `_jsonb -> $1 @> $2`. After five executions PostgreSQL may switch such a statement to
-- its generic plan, which cannot match `_jsonb -> '_id'` and scans the table: measured at 20,000 rows,
-- a findOne by `_id` took 25 ms through FerretDB (a 29 ms Seq Scan) against 0.05 ms for the custom
-- plan's Bitmap Index Scan; with custom plans forced it takes 0.9 ms end to end. postgres.sh also
-- starts the server with this setting; the database default covers a server started elsewhere (new
-- connections only: restart FerretDB after changing it).
ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;

CREATE OR REPLACE FUNCTION tracker_equality_indexes(tbl regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  k text;
  rel text := (SELECT relname FROM pg_class WHERE oid = tbl);
BEGIN
  -- FerretDB collection tables have exactly one column, _jsonb; its metadata table is skipped.
  IF rel LIKE '\_ferretdb\_%' OR NOT EXISTS (
    SELECT 1 FROM pg_attribute WHERE attrelid = tbl AND attname = '_jsonb' AND NOT attisdropped
  ) THEN
    RETURN;
  END IF;
  FOREACH k IN ARRAY ARRAY['_id', 'streamId', 'pending', 'pages', 'firstPage', 'position', 'keys', 'mentions'] LOOP
    EXECUTE format(
      'CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> %L) jsonb_path_ops)',
      left(rel, 40) || '_eq_' || replace(k, '_', ''), tbl, k
    );
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION tracker_on_create_table() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE' LOOP
    BEGIN
      PERFORM tracker_equality_indexes(r.objid::regclass);
    EXCEPTION WHEN OTHERS THEN
      -- An index is an optimisation: never fail the collection FerretDB is creating.
      RAISE WARNING 'tracker: no equality indexes on %: %', r.objid::regclass, SQLERRM;
    END;
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS tracker_equality_indexes;
CREATE EVENT TRIGGER tracker_equality_indexes ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION tracker_on_create_table();

DO $$
DECLARE
  t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  LOOP
    PERFORM tracker_equality_indexes(t);
  END LOOP;
END $$;
