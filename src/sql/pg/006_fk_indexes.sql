-- pg/006_fk_indexes.sql — PostgreSQL's copy of ../006_fk_indexes.sql, which both
-- dialects accept: an index on every foreign-key column of a child table
-- that had none leading an index (cascading deletes look rows up).

CREATE INDEX IF NOT EXISTS band_by_role ON band(role_id);
CREATE INDEX IF NOT EXISTS band_by_level ON band(level_id);
CREATE INDEX IF NOT EXISTS band_by_region ON band(region_id);

CREATE INDEX IF NOT EXISTS relative_band_by_source ON relative_band(source_id);
CREATE INDEX IF NOT EXISTS relative_band_by_company ON relative_band(company_id);
CREATE INDEX IF NOT EXISTS relative_band_by_role ON relative_band(role_id);
CREATE INDEX IF NOT EXISTS relative_band_by_region ON relative_band(region_id);
CREATE INDEX IF NOT EXISTS relative_band_by_of_region ON relative_band(of_region_id);

CREATE INDEX IF NOT EXISTS level_map_by_source ON level_map(source_id);
CREATE INDEX IF NOT EXISTS level_node_by_company ON level_node(company_id);
CREATE INDEX IF NOT EXISTS level_node_by_role ON level_node(role_id);

CREATE INDEX IF NOT EXISTS fx_rate_by_source ON fx_rate(source_id);

CREATE INDEX IF NOT EXISTS offer_mention_by_source ON offer_mention(source_id);
CREATE INDEX IF NOT EXISTS offer_mention_by_company ON offer_mention(company_id);
CREATE INDEX IF NOT EXISTS offer_mention_by_role ON offer_mention(role_id);

CREATE INDEX IF NOT EXISTS premium_by_source ON premium(source_id);
CREATE INDEX IF NOT EXISTS premium_by_company ON premium(company_id);
CREATE INDEX IF NOT EXISTS premium_by_role ON premium(role_id);

CREATE INDEX IF NOT EXISTS target_by_source ON target(source_id);
CREATE INDEX IF NOT EXISTS target_by_company ON target(company_id);
CREATE INDEX IF NOT EXISTS target_by_role ON target(role_id);

CREATE INDEX IF NOT EXISTS mention_by_company ON mention(company_id);
CREATE INDEX IF NOT EXISTS extra_ask_by_source ON extra_ask(source_id);
CREATE INDEX IF NOT EXISTS citation_by_source ON citation(source_id);

CREATE INDEX IF NOT EXISTS percentage_by_company ON percentage(company_id);
CREATE INDEX IF NOT EXISTS percentage_by_role ON percentage(role_id);

CREATE INDEX IF NOT EXISTS company_alias_by_company ON company_alias(company_id);

CREATE INDEX IF NOT EXISTS report_import_by_source ON report_import(source_id);
CREATE INDEX IF NOT EXISTS report_by_level ON report(level_id);
