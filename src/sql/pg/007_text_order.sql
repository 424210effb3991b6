-- pg/007_text_order.sql — every text column of payband's tables compares
-- byte by byte (COLLATE "C"), as SQLite's BINARY does: a database created
-- with a language's collation (en_US.UTF-8, ICU 'en') would otherwise sort
-- 'B-co', 'Z-co', '_x', 'a-co' as '_x', 'a-co', 'B-co', 'Z-co', and the same
-- question would list names in another order than on SQLite.
--
-- ../007_text_order.sql changes nothing: SQLite's columns are BINARY already.
-- The collation only changes: no table is rewritten, the indexes on these
-- columns are rebuilt. New text columns are written `TEXT COLLATE "C"`
-- (test_postgres checks that every text column is).
--
-- Text columns whose collation is not "C" yet, table by table (one ALTER
-- TABLE each, so each table's indexes are rebuilt once); payband's tables
-- only, never another table of the same schema.

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT table_name,
               string_agg(format('ALTER COLUMN %I TYPE text COLLATE "C"', column_name), ', '
                          ORDER BY ordinal_position) AS alters
        FROM information_schema.columns
        WHERE table_schema = current_schema()
          AND data_type = 'text'
          AND collation_name IS DISTINCT FROM 'C'
          AND table_name IN ('meta', 'source', 'company', 'role', 'region', 'level', 'band',
                             'relative_band', 'level_map', 'level_node', 'fx_rate',
                             'offer_mention', 'premium', 'target', 'mention', 'extra_ask',
                             'citation', 'percentage', 'company_fact', 'company_alias',
                             'place', 'place_name', 'report_import', 'report_level',
                             'report_region', 'report', 'report_group', 'report_dirty')
        GROUP BY table_name
        ORDER BY table_name
    LOOP
        EXECUTE format('ALTER TABLE %I %s', t.table_name, t.alters);
    END LOOP;
END
$$;
