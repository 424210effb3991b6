-- 003_figures.sql — what facts files add to the figures of documents: a
-- figure may be a floor ("€240K+") rather than a range, and percentages that
-- are no band, premium or target (a year-on-year rise, a gap to a company
-- the facts do not hold, an IPO multiple, a refresh as a share of a grant)
-- are kept with what they are taken of.

ALTER TABLE mention ADD COLUMN at_least INTEGER NOT NULL DEFAULT 0;

CREATE TABLE percentage (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line        INTEGER,
    kind        TEXT NOT NULL
                CHECK (kind IN ('increase', 'decrease', 'below', 'above', 'multiple', 'share')),
    company_id  INTEGER REFERENCES company(id),
    role_id     INTEGER REFERENCES role(id),
    region      TEXT,
    level       TEXT,
    component   TEXT,
    relative_to TEXT NOT NULL,
    low_bp      INTEGER NOT NULL,
    high_bp     INTEGER NOT NULL,
    approximate INTEGER NOT NULL DEFAULT 0,
    at_least    INTEGER NOT NULL DEFAULT 0,
    note        TEXT,
    CHECK (0 <= low_bp AND low_bp <= high_bp)
);
CREATE INDEX percentage_by_source ON percentage(source_id);
