#!/usr/bin/env python3
"""gen_reports.py — a file of offer reports for bench/store/run, shaped like a
real one and as large as asked.

    gen_reports.py SAMPLE.csv ROWS SEED OUT.csv

Reads SAMPLE.csv (a Levels.fyi-style export: timestamp, company, level, title,
totalyearlycompensation, location, yearsofexperience, yearsatcompany, tag,
basesalary, stockgrantvalue, bonus) and writes ROWS reports to OUT.csv. Each
written row takes the company, level, title, location and tag of a sample row
drawn at random, so companies, levels and places keep the sample's spellings
and proportions; its amounts are the sample's scaled by one lognormal factor
(about ±10%) and rounded to $1,000, its years of experience moved by up to a
year and a half, its date drawn anew in the sample's date range. Unlike the
sample repeated N times, nearly every row is a distinct report, so an import
stores every one of them. The same SEED gives the same file.

The sample is test input only: the file written is kept in a temporary folder
by the caller and never committed.
"""
import csv
import datetime
import math
import random
import sys

COLUMNS = ["timestamp", "company", "level", "title", "totalyearlycompensation", "location",
           "yearsofexperience", "yearsatcompany", "tag", "basesalary", "stockgrantvalue",
           "bonus"]


def amount(text):
    try:
        v = float(text)
    except ValueError:
        return None
    return v if v >= 0 and math.isfinite(v) else None


def years(text):
    try:
        v = float(text)
    except ValueError:
        return None
    return v if 0 <= v <= 60 else None


def read_sample(path):
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            total = amount(rec.get("totalyearlycompensation", ""))
            if not total:
                continue
            rows.append((rec["company"], rec["level"], rec["title"], rec["location"],
                         rec["tag"], total, amount(rec["basesalary"]),
                         amount(rec["stockgrantvalue"]), amount(rec["bonus"]),
                         years(rec["yearsofexperience"]), years(rec["yearsatcompany"])))
    if not rows:
        raise SystemExit(f"gen_reports: {path}: no usable rows")
    return rows


def main():
    if len(sys.argv) != 5:
        raise SystemExit("usage: gen_reports.py SAMPLE.csv ROWS SEED OUT.csv")
    sample = read_sample(sys.argv[1])
    count, seed, out = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = random.Random(seed)
    first = datetime.date(2017, 6, 7)
    days = (datetime.date(2021, 8, 17) - first).days + 1
    gauss, randrange, uniform = rng.gauss, rng.randrange, rng.uniform
    n = len(sample)

    def thousands(v, f):
        return "NA" if v is None else str(int(round(v * f / 1000.0)) * 1000)

    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for _ in range(count):
            company, level, title, location, tag, total, base, stock, bonus, yoe, yac = \
                sample[randrange(n)]
            factor = math.exp(gauss(0.0, 0.1))
            d = first + datetime.timedelta(days=randrange(days))
            secs = randrange(86400)
            stamp = f"{d.month}/{d.day}/{d.year} {secs // 3600}:{secs // 60 % 60:02d}:{secs % 60:02d}"
            if yoe is not None:
                yoe = max(0.0, round(yoe + uniform(-1.5, 1.5), 1))
            w.writerow([stamp, company, level, title, thousands(total, factor) if total else "NA",
                        location, "NA" if yoe is None else yoe,
                        "NA" if yac is None else min(yac, yoe if yoe is not None else yac),
                        tag, thousands(base, factor), thousands(stock, factor),
                        thousands(bonus, factor)])


if __name__ == "__main__":
    main()
