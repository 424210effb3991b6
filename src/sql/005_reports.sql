-- 005_reports.sql — individual offer reports (one row per reported salary or
-- offer, read from CSV or JSON files), the tables that normalise them
-- (company aliases and places, filled from facts files), and the percentiles
-- of pre-defined groups kept at import so that a group query is one lookup.
--
-- Amounts are integers in minor units of the row's currency; dates are
-- 'YYYY-MM-DD' text. A report is identified by a 64-bit hash of its content
-- (the values of the columns it was read from): importing the same rows
-- again adds nothing. Identical rows within one file are one report with
-- `copies` > 1; `copies` is the most any one file held.

-- "Facebook" -> meta: spellings of a company, normalised the way report
-- company names are (lower case, runs of spaces and punctuation as one '-').
CREATE TABLE company_alias (
    key        TEXT PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES company(id),
    source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line       INTEGER
);
CREATE INDEX company_alias_by_source ON company_alias(source_id);

-- Countries, states, metro areas and cities a report's location may name.
-- `code`: ISO 3166-1 alpha-2 for a country, the postal code of a state;
-- `country`: the ISO code of the country it lies in; `state`, `metro`: of a city.
CREATE TABLE place (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line      INTEGER,
    kind      TEXT NOT NULL CHECK (kind IN ('country', 'state', 'metro', 'city', 'remote')),
    name      TEXT NOT NULL,
    code      TEXT,
    country   TEXT,
    state     TEXT,
    metro     TEXT
);
CREATE INDEX place_by_source ON place(source_id);

-- Every spelling of a place (its name, code and aliases), normalised as keys.
CREATE TABLE place_name (
    key      TEXT NOT NULL,
    place_id INTEGER NOT NULL REFERENCES place(id) ON DELETE CASCADE,
    PRIMARY KEY (key, place_id)
) WITHOUT ROWID;
CREATE INDEX place_name_by_place ON place_name(place_id);

-- One row per file imported (re-imports that changed nothing leave none).
CREATE TABLE report_import (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    file        TEXT NOT NULL,
    records     INTEGER NOT NULL,  -- rows read (header excluded)
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    added       INTEGER NOT NULL,  -- reports new to the store
    first_date  TEXT,
    last_date   TEXT,
    imported_at TEXT NOT NULL
);

-- A company's level as reports spell it: `key` is the spelling folded to
-- upper case with single spaces; `name` the level graph's spelling when the
-- store's level graph knows the level (`known`), else the first one seen.
-- company_id 0: reports that name no company.
CREATE TABLE report_level (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL,
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    known      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (company_id, key)
);

-- A normalised location: city (as the places table spells it when known),
-- state code, ISO country code, metro area. `key` identifies it.
CREATE TABLE report_region (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    kind     TEXT NOT NULL,
    name     TEXT NOT NULL,
    city     TEXT,
    city_key TEXT,
    state    TEXT,
    country  TEXT,
    metro    TEXT
);
CREATE INDEX report_region_by_city ON report_region(city_key);

CREATE TABLE report (
    id            INTEGER PRIMARY KEY,
    hash          INTEGER NOT NULL UNIQUE,
    source_id     INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line          INTEGER NOT NULL,
    copies        INTEGER NOT NULL DEFAULT 1 CHECK (copies >= 1),
    company_id    INTEGER REFERENCES company(id),
    company_raw   TEXT,
    company_alias INTEGER NOT NULL DEFAULT 0,  -- found through company_alias
    role_id       INTEGER REFERENCES role(id),
    title_raw     TEXT,
    level_id      INTEGER REFERENCES report_level(id),
    level_raw     TEXT,
    region_id     INTEGER REFERENCES report_region(id),
    location_raw  TEXT,
    years_exp     REAL,
    years_company REAL,
    currency      TEXT NOT NULL,
    base          INTEGER CHECK (base IS NULL OR base > 0),
    equity        INTEGER CHECK (equity IS NULL OR equity >= 0),
    bonus         INTEGER CHECK (bonus IS NULL OR bonus >= 0),
    total         INTEGER CHECK (total IS NULL OR total > 0),
    tc            INTEGER NOT NULL CHECK (tc > 0),  -- total, else base + equity + bonus
    tc_mismatch   INTEGER NOT NULL DEFAULT 0,       -- components and total > 1% apart
    base_zero     INTEGER NOT NULL DEFAULT 0,       -- the file gave base 0 beside a total
    date          TEXT,
    tag           TEXT
);
CREATE INDEX report_by_group ON report(company_id, role_id, level_id, region_id);
CREATE INDEX report_by_role ON report(role_id, region_id);
CREATE INDEX report_by_region ON report(region_id);
CREATE INDEX report_by_source ON report(source_id);

-- Percentiles of the pre-defined groups: for each company, every
-- combination of role, level and region (0 = all of them) and currency,
-- for each component (0 tc, 1 base, 2 equity, 3 bonus). Figures are exact
-- (minor units, linear interpolation); rounding happens when they are shown.
-- A group with fewer than 6 distinct reports keeps its counts only.
CREATE TABLE report_group (
    component   INTEGER NOT NULL,
    company_id  INTEGER NOT NULL,
    role_id     INTEGER NOT NULL,
    region_id   INTEGER NOT NULL,
    level_id    INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    n           INTEGER NOT NULL,  -- reports, copies counted
    distinct_n  INTEGER NOT NULL,  -- distinct reports
    total       INTEGER,           -- sum of the values, minor units
    p10 REAL, p25 REAL, p50 REAL, p75 REAL, p90 REAL,
    first_date  TEXT,
    last_date   TEXT,
    PRIMARY KEY (component, company_id, role_id, region_id, level_id, currency)
) WITHOUT ROWID;
CREATE INDEX report_group_by_level ON report_group(component, company_id, role_id, level_id, region_id);
CREATE INDEX report_group_by_company ON report_group(component, role_id, region_id, level_id, company_id);

-- Companies whose reports were deleted since their groups were built; their
-- queries go to the report rows until the next import rebuilds the groups.
CREATE TABLE report_dirty (
    company_id INTEGER PRIMARY KEY
);
CREATE TRIGGER report_deleted AFTER DELETE ON report
BEGIN
    INSERT OR IGNORE INTO report_dirty(company_id) VALUES (coalesce(old.company_id, 0));
END;
