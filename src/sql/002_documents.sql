-- 002_documents.sql — what guides and briefings say beyond bands and offers:
-- money figures mentioned in prose (with the sentence they stand in and
-- whatever company, role, region and component the sentence names), the
-- additional asks of a negotiation strategy, and the sources a document cites.

CREATE TABLE mention (
    id               INTEGER PRIMARY KEY,
    source_id        INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line             INTEGER,
    position         INTEGER NOT NULL,
    company_id       INTEGER REFERENCES company(id),
    company_inferred INTEGER NOT NULL DEFAULT 0,
    role             TEXT,
    level            TEXT,
    region           TEXT,
    component        TEXT,
    currency         TEXT NOT NULL,
    low              INTEGER NOT NULL,
    high             INTEGER NOT NULL,
    approximate      INTEGER NOT NULL DEFAULT 0,
    equivalent_of    INTEGER,
    text             TEXT NOT NULL,
    sentence         TEXT NOT NULL,
    CHECK (low <= high)
);
CREATE INDEX mention_by_source ON mention(source_id);

CREATE TABLE extra_ask (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line      INTEGER,
    kind      TEXT NOT NULL,
    text      TEXT NOT NULL,
    currency  TEXT,
    amount    INTEGER
);

CREATE TABLE citation (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line      INTEGER,
    text      TEXT NOT NULL
);
