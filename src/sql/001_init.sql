-- 001_init.sql — the first schema of the payband store.
-- Amounts are integers in minor units of the row's currency; percentages are
-- basis points (1% = 100); dates are 'YYYY-MM-DD' text. Every fact names its
-- source and, where known, the line of the source document it came from.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE source (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    file           TEXT,
    publisher      TEXT,
    data_quality   TEXT,
    period         TEXT,
    notes          TEXT,
    published      TEXT,
    as_of          TEXT,
    review_due     TEXT,
    review_assumed INTEGER NOT NULL DEFAULT 0,
    builtin        INTEGER NOT NULL DEFAULT 0,
    imported_at    TEXT NOT NULL
);

CREATE TABLE company (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    display TEXT NOT NULL
);

CREATE TABLE role (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    display TEXT NOT NULL
);

CREATE TABLE region (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE level (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES company(id),
    name       TEXT NOT NULL,
    UNIQUE (company_id, name)
);

CREATE TABLE band (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line           INTEGER,
    company_id     INTEGER NOT NULL REFERENCES company(id),
    role_id        INTEGER NOT NULL REFERENCES role(id),
    level_id       INTEGER REFERENCES level(id),
    region_id      INTEGER NOT NULL REFERENCES region(id),
    currency       TEXT NOT NULL,
    base_low       INTEGER,
    base_high      INTEGER,
    equity_low     INTEGER,
    equity_high    INTEGER,
    vest_years     INTEGER,
    bonus_low_bp   INTEGER,
    bonus_high_bp  INTEGER,
    stated_tc_low  INTEGER,
    stated_tc_high INTEGER,
    note           TEXT,
    CHECK (base_low IS NULL OR (base_low >= 0 AND base_low <= base_high)),
    CHECK (equity_low IS NULL OR (equity_low >= 0 AND equity_low <= equity_high
                                  AND vest_years > 0)),
    CHECK (bonus_low_bp IS NULL OR (bonus_low_bp >= 0 AND bonus_low_bp <= bonus_high_bp)),
    CHECK (stated_tc_low IS NULL OR (stated_tc_low >= 0 AND stated_tc_low <= stated_tc_high))
);
CREATE INDEX band_by_company ON band(company_id, role_id);
CREATE INDEX band_by_source ON band(source_id);

CREATE TABLE relative_band (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line         INTEGER,
    company_id   INTEGER NOT NULL REFERENCES company(id),
    role_id      INTEGER NOT NULL REFERENCES role(id),
    region_id    INTEGER NOT NULL REFERENCES region(id),
    of_region_id INTEGER NOT NULL REFERENCES region(id),
    pct_low_bp   INTEGER NOT NULL,
    pct_high_bp  INTEGER NOT NULL,
    equity_same  INTEGER NOT NULL DEFAULT 0,
    CHECK (pct_low_bp >= 0 AND pct_low_bp <= pct_high_bp)
);

CREATE TABLE level_map (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line      INTEGER
);

CREATE TABLE level_node (
    id         INTEGER PRIMARY KEY,
    map_id     INTEGER NOT NULL REFERENCES level_map(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    company_id INTEGER NOT NULL REFERENCES company(id),
    role_id    INTEGER REFERENCES role(id),
    level      TEXT NOT NULL,
    title      TEXT,
    region     TEXT
);
CREATE INDEX level_node_by_map ON level_node(map_id);

CREATE TABLE fx_rate (
    date      TEXT NOT NULL,
    base      TEXT NOT NULL,
    quote     TEXT NOT NULL,
    rate      REAL NOT NULL CHECK (rate > 0),
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line      INTEGER,
    note      TEXT,
    PRIMARY KEY (base, quote, date, source_id)
) WITHOUT ROWID;

CREATE TABLE offer_mention (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line            INTEGER,
    company_id      INTEGER NOT NULL REFERENCES company(id),
    role_id         INTEGER REFERENCES role(id),
    level           TEXT,
    region          TEXT,
    currency        TEXT NOT NULL,
    base            INTEGER NOT NULL,
    equity_per_year INTEGER,
    equity_grant    INTEGER,
    vest_years      INTEGER,
    sign_on         INTEGER NOT NULL DEFAULT 0,
    stated_total    INTEGER,
    stated_years    INTEGER,
    note            TEXT
);

CREATE TABLE premium (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line       INTEGER,
    name       TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    company_id INTEGER REFERENCES company(id),
    role_id    INTEGER REFERENCES role(id),
    low_bp     INTEGER NOT NULL,
    high_bp    INTEGER NOT NULL,
    note       TEXT
);

CREATE TABLE target (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line       INTEGER,
    kind       TEXT NOT NULL CHECK (kind IN ('ask', 'floor')),
    company_id INTEGER NOT NULL REFERENCES company(id),
    role_id    INTEGER REFERENCES role(id),
    region     TEXT,
    currency   TEXT NOT NULL,
    base       INTEGER,
    equity     INTEGER,
    vest_years INTEGER,
    sign_on    INTEGER
);
