#!/usr/bin/env python3
"""bench_store.py — the work of bench/store/run (which builds payband first):
the same payband commands on a SQLite store and on a PostgreSQL one.

    bench_store.py [--rows N[,N...]] [--runs R] [--backends sqlite,postgresql]
                   [--seed S] [--calls C] [--empty] [--pg URI]

For each size: writes a file of N offer reports (gen_reports.py, from the
Levels.fyi sample, seed S) in a temporary folder; for each backend creates a
store with the built-in dataset (`payband init`; --empty: without it, and
only the report commands are run), loads the file with
`payband reports import` (wall time and the payband process's peak memory),
then times each command of QUERIES (wall time of the whole process, best of
R) and the group percentile query through the library (bench_reports, best
of R runs of C calls). Prints one table per size with both backends and their
ratio, and checks that both backends printed the same JSON for every command
(`imported_at`, the clock time of an import, aside). Exits non-zero when an
answer differs or a backend fails. PostgreSQL runs in a throw-away cluster
started and stopped with scripts/pg-cluster, or on the server --pg names (in
a database the run creates and drops); everything is removed at the end.
"""
import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAYBAND = os.path.join(ROOT, "build", "payband")
BENCH_REPORTS = os.path.join(ROOT, "build", "bench", "bench_reports")
TODAY = "2026-11-27"

# (name, arguments): every one also gets --format json.
QUERIES = [
    ("bands --company google", ["bands", "--company", "google"]),
    ("bands (all)", ["bands"]),
    ("bands --currency USD", ["bands", "--currency", "USD"]),
    ("levels hugging-face senior-swe", ["levels", "hugging-face", "senior-software-engineer"]),
    ("stale", ["stale"]),
    ("companies", ["companies"]),
    ("reports summary", ["reports", "summary"]),
    ("percentiles: one group", ["reports", "percentiles", "--company", "google", "--level", "L5",
                                "--region", "Mountain View, CA"]),
    ("percentiles --by company", ["reports", "percentiles", "--by", "company"]),
    ("percentiles google --by level", ["reports", "percentiles", "--company", "google",
                                       "--by", "level"]),
    ("percentiles amazon Seattle base --by level",
     ["reports", "percentiles", "--company", "amazon", "--region", "Seattle",
      "--component", "base", "--by", "level"]),
    ("percentiles google --by level, years+since",
     ["reports", "percentiles", "--company", "google", "--by", "level", "--years-min", "3",
      "--since", "2019-01-01"]),
    ("percentiles role --by region, years",
     ["reports", "percentiles", "--role", "software-engineer", "--by", "region",
      "--years-min", "5"]),
    ("percentiles Bay Area --by company, since",
     ["reports", "percentiles", "--region", "San Francisco Bay Area", "--by", "company",
      "--since", "2020-01-01"]),
]
# Keys whose values are the clock's, not the data's.
VOLATILE = {"imported_at"}


class BackendFailed(Exception):
    pass


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def redact(uri):
    uri = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", uri)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", uri)


def with_database(uri, name):
    """`uri` (postgresql://...[/db][?...]) naming database `name` instead."""
    m = re.match(r"^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$", uri)
    if not m:
        raise SystemExit(f"bench: cannot read the cluster's URI {redact(uri)}")
    return f"{m.group(1)}/{name}{m.group(3) or ''}"


def psql(uri, sql):
    r = run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql])
    if r.returncode != 0:
        raise BackendFailed(f"psql: {r.stderr.strip()}")
    return r.stdout.strip()


def payband(target, args, check=True):
    env = dict(os.environ, PAYBAND_TODAY=TODAY)
    env.pop("PAYBAND_DB", None)
    t0 = time.perf_counter()
    r = run([PAYBAND, "--db", target] + args, env=env)
    dt = time.perf_counter() - t0
    if check and r.returncode != 0:
        raise BackendFailed(f"payband {' '.join(args)}: exit {r.returncode}: "
                            f"{r.stderr.strip()[:500]}")
    return r, dt


def strip_volatile(v):
    if isinstance(v, dict):
        return {k: strip_volatile(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [strip_volatile(x) for x in v]
    return v


def store_size(backend, target):
    if backend == "sqlite":
        return sum(os.path.getsize(p) for p in (target, target + "-wal") if os.path.exists(p))
    return int(psql(target, "SELECT pg_database_size(current_database())"))


# Commands that ask about the built-in dataset's documents (skipped with --empty).
NEEDS_BUILTIN = {"bands --company google", "bands (all)", "bands --currency USD",
                 "levels hugging-face senior-swe", "stale", "companies"}


def bench_backend(backend, target, data_file, runs, calls, empty):
    """Load and query one store; returns its measurements and answers."""
    res = {"queries": {}, "answers": {}}
    _, res["init"] = payband(target, ["init"] + (["--empty"] if empty else []))
    timef = target + ".time" if backend == "sqlite" else data_file + ".pgtime"
    env = dict(os.environ, PAYBAND_TODAY=TODAY)
    t0 = time.perf_counter()
    r = run(["/usr/bin/time", "-f", "%M", "-o", timef, PAYBAND, "--db", target, "reports",
             "import", "--currency", "USD", data_file], env=env)
    res["load"] = time.perf_counter() - t0
    if r.returncode != 0:
        raise BackendFailed(f"reports import: exit {r.returncode}: {r.stderr.strip()[:500]}")
    res["load_rss_mib"] = int(open(timef).read().split()[-1]) / 1024
    res["import_line"] = r.stdout.strip()
    res["size"] = store_size(backend, target)
    for name, args in QUERIES:
        if empty and name in NEEDS_BUILTIN:
            continue
        best = None
        for i in range(runs):
            r, dt = payband(target, args + ["--format", "json"])
            best = dt if best is None else min(best, dt)
            if i == 0:
                res["answers"][name] = strip_volatile(json.loads(r.stdout))
        res["queries"][name] = best
    r = run([BENCH_REPORTS, target, "Google", "L5", "Mountain View, CA", "--runs", str(runs),
             "--calls", str(calls)])
    if r.returncode != 0:
        raise BackendFailed(f"bench_reports: {r.stderr.strip()[:500]}")
    lib = json.loads(r.stdout)
    res["queries"]["library: one group (µs)"] = min(lib["group"])
    res["queries"]["library: google by level (µs)"] = min(lib["by_level"])
    res["answers"]["library: one group (µs)"] = lib["group_answer"]
    res["answers"]["library: google by level (µs)"] = lib["by_level_groups"]
    return res


def fmt_time(name, t):
    if t is None:
        return "—"
    if "(µs)" in name:
        return f"{t * 1e6:,.0f} µs"
    return f"{t * 1e3:,.0f} ms" if t < 1 else f"{t:,.2f} s"


def fmt_bytes(n):
    return f"{n / 2**20:,.0f} MiB"


def report(rows, gen_time, results, backends):
    print()
    print(f"== {rows:,} report rows (generated in {gen_time:.1f} s)")
    for b in backends:
        r = results.get(b)
        if isinstance(r, dict):
            print(f"{b}: {r['import_line']}")
    head = ["", *backends] + (["postgresql / sqlite"] if len(backends) == 2 else [])
    table = [head, ["---"] * len(head)]

    def line(label, key, fmt):
        cells = [label]
        vals = []
        for b in backends:
            r = results.get(b)
            v = r[key] if isinstance(r, dict) else None
            vals.append(v)
            cells.append(fmt(v) if v is not None else ("failed" if isinstance(r, str) else "—"))
        if len(backends) == 2:
            cells.append(f"{vals[1] / vals[0]:.2f}×" if None not in vals and vals[0] else "")
        table.append(cells)

    line("init", "init", lambda v: fmt_time("", v))
    line("load: reports import", "load", lambda v: fmt_time("", v))
    line("payband peak memory while loading", "load_rss_mib", lambda v: f"{v:,.0f} MiB")
    line("store size after load", "size", fmt_bytes)
    names = [q[0] for q in QUERIES] + ["library: one group (µs)", "library: google by level (µs)"]
    for name in names:
        if all(isinstance(results.get(x), dict) and name not in results[x]["queries"]
               for x in backends):
            continue  # not run (--empty)
        cells = [name]
        vals = []
        for b in backends:
            r = results.get(b)
            v = r["queries"].get(name) if isinstance(r, dict) else None
            vals.append(v)
            cells.append(fmt_time(name, v) if v is not None else "—")
        if len(backends) == 2:
            cells.append(f"{vals[1] / vals[0]:.2f}×" if None not in vals and vals[0] else "")
        table.append(cells)
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    for row in table:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    for b in backends:
        if isinstance(results.get(b), str):
            print(f"{b} failed: {results[b]}")


def compare(results, backends):
    """Names of the answers that differ between the two backends (diffs on stderr)."""
    if len(backends) != 2 or not all(isinstance(results.get(b), dict) for b in backends):
        return []
    a, b = (results[x]["answers"] for x in backends)
    differ = []
    for name in a:
        if a[name] == b.get(name):
            continue
        differ.append(name)
        left = json.dumps(a[name], indent=1, sort_keys=True).splitlines()
        right = json.dumps(b.get(name), indent=1, sort_keys=True).splitlines()
        diff = list(difflib.unified_diff(left, right, backends[0], backends[1], lineterm="", n=1))
        print(f"bench: '{name}' differs:", file=sys.stderr)
        print("\n".join(diff[:40]), file=sys.stderr)
        if len(diff) > 40:
            print(f"... ({len(diff) - 40} more diff lines)", file=sys.stderr)
    return differ


def main():
    ap = argparse.ArgumentParser(prog="bench/store/run")
    ap.add_argument("--rows", default="1000000",
                    help="report rows, comma-separated sizes (default 1000000; the issue's "
                         "sizes: 1000000,10000000)")
    ap.add_argument("--runs", type=int, default=5, help="best of R runs of each query")
    ap.add_argument("--calls", type=int, default=200,
                    help="library calls a run of the group query (by level: a tenth)")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--empty", action="store_true",
                    help="stores without the built-in dataset (payband init --empty): the "
                         "report commands only")
    ap.add_argument("--pg", metavar="URI",
                    help="a running PostgreSQL server to use instead of a throw-away cluster "
                         "(its user may create databases; the run makes and drops its own)")
    opt = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    sizes = [int(x) for x in opt.rows.split(",") if x]
    backends = [b for b in opt.backends.split(",") if b]
    if not sizes or any(n <= 0 for n in sizes) or opt.runs <= 0 or opt.calls < 10:
        ap.error("--rows, --runs must be positive, --calls at least 10")
    if not set(backends) <= {"sqlite", "postgresql"} or len(set(backends)) != len(backends):
        ap.error("--backends: sqlite, postgresql or both")
    sample = os.path.join(os.environ.get("PAYBAND_DATA", os.path.join(ROOT, "..", "shared", "data")),
                          "Levels_Fyi_Salary_Data.csv")
    if not os.path.isfile(sample):
        raise SystemExit(f"bench: {sample} not found (it is test input, never part of payband)")

    tmp = tempfile.mkdtemp(prefix="payband-bench-store-", dir="/tmp")
    os.chmod(tmp, 0o711)  # the cluster's server runs as another user and must reach tmp/pg
    cluster = os.path.join(tmp, "pg")
    base_uri = None
    failed = False
    try:
        if "postgresql" in backends and opt.pg:
            base_uri = opt.pg
            cluster = None
            log(f"PostgreSQL at {redact(base_uri)}; {psql(base_uri, 'SHOW server_version')}")
        elif "postgresql" in backends:
            r = run([os.path.join(ROOT, "scripts", "pg-cluster"), "start", cluster])
            if r.returncode != 0:
                raise SystemExit("bench: could not start PostgreSQL (scripts/pg-cluster start): "
                                 f"{(r.stderr or r.stdout).strip()}")
            base_uri = r.stdout.strip().splitlines()[-1]
            log(f"PostgreSQL cluster at {redact(base_uri)}; "
                f"{psql(base_uri, 'SHOW server_version')}")
        for rows in sizes:
            data = os.path.join(tmp, f"reports-{rows}.csv")
            log(f"writing {rows:,} reports to {data}")
            t0 = time.perf_counter()
            r = run([sys.executable, os.path.join(ROOT, "bench", "store", "gen_reports.py"),
                     sample, str(rows), str(opt.seed), data])
            if r.returncode != 0:
                raise SystemExit(f"bench: gen_reports: {r.stderr.strip()}")
            gen_time = time.perf_counter() - t0
            results = {}
            for b in backends:
                log(f"{b}: load and query {rows:,} rows")
                try:
                    if b == "sqlite":
                        target = os.path.join(tmp, f"store-{rows}.db")
                    else:
                        name = f"payband_bench_{rows}"
                        psql(base_uri, f"DROP DATABASE IF EXISTS {name}")
                        psql(base_uri, f"CREATE DATABASE {name}")
                        target = with_database(base_uri, name)
                    results[b] = bench_backend(b, target, data, opt.runs, opt.calls, opt.empty)
                except BackendFailed as e:
                    results[b] = str(e)
                    failed = True
                if b == "sqlite":
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(target + suffix):
                            os.remove(target + suffix)
                else:
                    try:
                        psql(base_uri, f"DROP DATABASE IF EXISTS payband_bench_{rows}")
                    except BackendFailed:
                        pass
            os.remove(data)
            report(rows, gen_time, results, backends)
            differ = compare(results, backends)
            if differ:
                failed = True
                print(f"answers differ between the backends: {', '.join(differ)}")
            elif len(backends) == 2 and not any(isinstance(results[b], str) for b in backends):
                print(f"answers: the same JSON from both backends for all "
                      f"{len(results[backends[0]]['answers'])} queries")
    finally:
        if cluster and os.path.exists(cluster):
            r = run([os.path.join(ROOT, "scripts", "pg-cluster"), "stop", cluster])
            if r.returncode != 0:
                log(f"pg-cluster stop: {r.stderr.strip()}")
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
