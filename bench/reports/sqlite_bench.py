#!/usr/bin/env python3
"""SQLite's side of bench/reports/run: the same rows in a table with a
covering index on the group columns (company, level, location, total), and
the same percentiles computed in SQL: a count, then each quantile's two
neighbouring order statistics read through the index with OFFSET, and the
by-level breakdown with window functions. Prints one JSON object.

usage: sqlite_bench.py FILE DB RUNS CALLS
"""
import csv
import json
import math
import sqlite3
import sys
import time

QS = (0.1, 0.25, 0.5, 0.75, 0.9)


def load(path, db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("CREATE TABLE r (company TEXT, level TEXT, location TEXT, tc REAL)")
    t0 = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        head = next(rows)
        c, l, g, t = (head.index(x) for x in ("company", "level", "location",
                                                "totalyearlycompensation"))
        con.executemany("INSERT INTO r VALUES (?, ?, ?, ?)",
                        ((row[c].strip().lower(), row[l].strip().upper(), row[g], float(row[t]))
                         for row in rows))
    t1 = time.perf_counter()
    con.execute("CREATE INDEX r_group ON r(company, level, location, tc)")
    con.commit()
    t2 = time.perf_counter()
    n = con.execute("SELECT count(*) FROM r").fetchone()[0]
    return con, n, t1 - t0, t2 - t1


def group(con):
    where = "company = 'google' AND level = 'L5' AND location = 'Mountain View, CA'"
    n, mean = con.execute(f"SELECT count(*), avg(tc) FROM r WHERE {where}").fetchone()
    out = []
    for q in QS:
        h = q * (n - 1)
        lo = math.floor(h)
        vals = [v for (v,) in con.execute(
            f"SELECT tc FROM r WHERE {where} ORDER BY tc LIMIT 2 OFFSET ?", (lo,))]
        hi = vals[1] if len(vals) > 1 else vals[0]
        out.append(vals[0] + (h - lo) * (hi - vals[0]))
    return {"n": n, "p": out, "mean": mean}


BY_LEVEL = """
WITH g AS (SELECT level, tc, row_number() OVER (PARTITION BY level ORDER BY tc) - 1 AS i,
                  count(*) OVER (PARTITION BY level) AS n
           FROM r WHERE company = 'google'),
     k AS (SELECT level, n, {cols} FROM g GROUP BY level)
SELECT * FROM k ORDER BY level
"""


def by_level_sql():
    cols = []
    for j, q in enumerate(QS):
        h = f"({q} * (n - 1))"
        lo = f"CAST({h} AS INTEGER)"
        a = f"max(CASE WHEN i = {lo} THEN tc END)"
        b = f"coalesce(max(CASE WHEN i = {lo} + 1 THEN tc END), {a})"
        cols.append(f"{a} + ({h} - {lo}) * ({b} - {a}) AS p{j}")
    return BY_LEVEL.format(cols=", ".join(cols))


def timed(fn, runs, calls):
    times, last = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(calls):
            last = fn()
        times.append((time.perf_counter() - t0) / calls)
    return times, last


def main():
    path, db, runs, calls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    con, n, load_s, index_s = load(path, db)
    g_times, g_answer = timed(lambda: group(con), runs, calls)
    sql = by_level_sql()
    b_times, b_answer = timed(lambda: con.execute(sql).fetchall(), runs, max(1, calls // 10))
    print(json.dumps({"version": sqlite3.sqlite_version, "rows": n, "load": load_s,
                      "index": index_s, "group": g_times, "group_answer": g_answer,
                      "by_level": b_times, "by_level_groups": len(b_answer)}))


if __name__ == "__main__":
    main()
