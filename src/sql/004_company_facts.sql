-- 004_company_facts.sql — what a source says about a company that valuing
-- its equity needs: funding stage, last-round valuation (minor units of
-- currency) and the yearly volatility of its shares, as of a date.

CREATE TABLE company_fact (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line           INTEGER,
    company_id     INTEGER NOT NULL REFERENCES company(id),
    stage          TEXT NOT NULL
                   CHECK (stage IN ('seed', 'series_a', 'series_b', 'series_c', 'series_d',
                                    'late', 'public')),
    valuation      INTEGER CHECK (valuation IS NULL OR valuation > 0),
    currency       TEXT CHECK ((valuation IS NULL) = (currency IS NULL)),
    as_of          TEXT NOT NULL,
    volatility_pct REAL CHECK (volatility_pct IS NULL OR
                               (volatility_pct >= 0 AND volatility_pct <= 500)),
    note           TEXT
);
CREATE INDEX company_fact_by_company ON company_fact(company_id, as_of);
CREATE INDEX company_fact_by_source ON company_fact(source_id);
