#!/usr/bin/env python3
"""Concurrency of the store: several payband processes importing and
querying one database at once.

usage: run_concurrency.py PAYBAND [--sizes 2,8] [--kill-rounds N] [--seed N]

For each number of processes N (2 and 8 by default), on a fresh database:

  distinct   N processes at once, each importing its own facts file
             (import-facts), its own guide (import) and its own offer
             reports (reports import), and querying between the imports
             (bands, reports percentiles, sources as JSON);
  same       N processes at once, on a database no one has opened yet,
             each importing the same facts file, guide and reports (the
             first opens race to make the schema and load the built-in
             dataset);
  kill       the `distinct` processes again, with one more process
             importing a large file of reports that is killed with SIGKILL
             at a random moment (--kill-rounds times).

Every process must exit 0 (a conflict between writers is waited out or
retried, never an error the user sees) and every query must print JSON.
The database afterwards must equal the one the same imports give when run
one after the other, on a fresh database of the same backend: every
table's row count, the reports' hashes and copies, the reports the imports
added — no write lost, none doubled. After a kill it must equal one of the
two sequential results (with or without the killed import), pass the
consistency checks (SQLite: PRAGMA integrity_check and foreign_key_check;
PostgreSQL: tests/pgdb.py's consistent), and a new import of the killed
file must complete it.

With PAYBAND_TEST_PG set (tests/pgdb.py) each database is a fresh
PostgreSQL database of that cluster; otherwise a SQLite file.

Prints one "ok"/"FAIL" line per check and a last line
"concurrency: P passed, F failed, S skipped".
"""
import argparse
import concurrent.futures
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)
sys.path.insert(0, os.path.join(TESTS, "crash"))
import pgdb  # noqa: E402
from run_crash import facts, guide  # noqa: E402
from reports_kill import write_reports  # noqa: E402

PG = pgdb.enabled()
TIMEOUT = 600  # seconds for any one process: a deadlock left unhandled ends here

# Tables whose row count may depend on which of several writers came first
# without any write being lost or doubled: one row per import that added
# something.
ORDER_DEPENDENT = {"report_import"}

DIGEST = [
    "SELECT count(*), coalesce(sum(copies), 0), coalesce(sum(abs(hash % 1000003)), 0) "
    "FROM report",
    "SELECT coalesce(sum(added), 0) FROM report_import",
    "SELECT count(*) FROM source WHERE builtin = 1",
]


class Databases:
    """Fresh databases in `tmp` (SQLite) or the cluster (PostgreSQL)."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.made = []
        self.n = 0

    def new(self, name):
        self.n += 1
        if PG:
            uri = pgdb.create("conc_" + name)
            self.made.append(uri)
            return uri
        return os.path.join(self.tmp, f"{name}-{self.n}.db")

    def drop_all(self):
        for uri in self.made:
            pgdb.drop(uri)
        self.made = []


def query(db, sql):
    """The first row of `sql`, as text."""
    if PG:
        return tuple(pgdb.psql(db, sql)[0])
    con = sqlite3.connect(db, timeout=60)
    try:
        return tuple(str(v) for v in con.execute(sql).fetchone())
    finally:
        con.close()


def tables(db):
    if PG:
        return pgdb.tables(db)
    con = sqlite3.connect(db, timeout=60)
    try:
        return [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    finally:
        con.close()


def digest(db):
    """What must not depend on the order of the writers."""
    out = [(t, query(db, f'SELECT count(*) FROM "{t}"')) for t in tables(db)
           if t not in ORDER_DEPENDENT]
    out += [(q, query(db, q)) for q in DIGEST]
    return out


def consistent(db):
    if PG:
        return pgdb.consistent(db)
    con = sqlite3.connect(db, timeout=60)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            return f"integrity_check: {integrity[:5]!r}"
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        return f"foreign_key_check: {fk[:5]!r}" if fk else None
    finally:
        con.close()


def differences(got, want):
    want = dict(want)
    return [f"{k}: {v} (one after the other: {want.get(k)})" for k, v in got
            if want.get(k) != v] or ["the tables differ"]


# ---- the processes --------------------------------------------------------

def steps_of(files, i):
    """The commands of process i: imports of its files, queries between."""
    f = files[i]
    return [
        ["import-facts", f["facts"]],
        ["bands", "--format", "json"],
        ["import", f["guide"]],
        ["reports", "percentiles", "--by", "company", "--format", "json"],
        ["reports", "import", "--currency", "USD", "--source", f["source"], f["reports"]],
        ["sources", "--format", "json"],
        ["reports", "summary", "--format", "json"],
    ]


def imports_of(files, i):
    return [s for s in steps_of(files, i) if s[0] in ("import-facts", "import")
            or s[:2] == ["reports", "import"]]


def run_process(payband, db, steps, cwd):
    """Run the steps in order, as one client would: None, or what went
    wrong."""
    for step in steps:
        try:
            p = subprocess.run([payband, "--db", db] + step, cwd=cwd, capture_output=True,
                               timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"{' '.join(step)}: still running after {TIMEOUT} s (a deadlock?)"
        if p.returncode != 0:
            err = p.stderr.decode("utf-8", "replace").strip().split("\n")
            return f"{' '.join(step)}: exit {p.returncode}: {err[0]}"
        if "--format" in step and step[step.index("--format") + 1] == "json":
            try:
                json.loads(p.stdout)
            except ValueError as e:
                return f"{' '.join(step)}: not JSON ({e}): {p.stdout[:200]!r}"
    return None


def at_once(payband, db, step_lists, cwd):
    """Run each list of steps in a process of its own, all started together:
    the problems, one per process that had one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(step_lists)) as pool:
        results = list(pool.map(lambda steps: run_process(payband, db, steps, cwd), step_lists))
    return [f"process {i}: {r}" for i, r in enumerate(results) if r]


def one_after_another(payband, db, step_lists, cwd):
    for steps in step_lists:
        r = run_process(payband, db, steps, cwd)
        if r:
            raise RuntimeError(f"one after the other: {r}")


def init_empty(payband, db, cwd):
    subprocess.run([payband, "--db", db, "init", "--empty"], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=TIMEOUT)


# ---- the checks -----------------------------------------------------------

def make_files(tmp, n, rows):
    files = []
    for i in range(n):
        f = {"facts": os.path.join(tmp, f"facts-{i}.yaml"),
             "guide": os.path.join(tmp, f"guide-{i}.md"),
             "reports": os.path.join(tmp, f"reports-{i}.csv"),
             "source": f"conc-reports-{i}"}
        with open(f["facts"], "w", encoding="utf-8") as out:
            out.write(facts(1, key=f"conc-facts-{i}"))
        with open(f["guide"], "w", encoding="utf-8") as out:
            out.write(guide(1, company=f"Concurrent{i} Robotics"))
        write_reports(f["reports"], rows, 1000 + i)
        files.append(f)
    return files


def check_distinct(payband, dbs, tmp, n):
    files = make_files(tmp, n, 300)
    steps = [steps_of(files, i) for i in range(n)]
    want = dbs.new("seq")
    init_empty(payband, want, tmp)
    one_after_another(payband, want, [imports_of(files, i) for i in range(n)], tmp)
    db = dbs.new("distinct")
    init_empty(payband, db, tmp)
    problems = at_once(payband, db, steps, tmp)
    if not problems:
        why = consistent(db)
        got = digest(db)
        if why:
            problems.append(why)
        elif got != digest(want):
            problems += differences(got, digest(want))
    return problems


def check_same(payband, dbs, tmp, n):
    files = make_files(tmp, 1, 300)
    steps = [steps_of(files, 0) for _ in range(n)]
    want = dbs.new("seq")
    one_after_another(payband, want, [imports_of(files, 0)], tmp)
    db = dbs.new("same")  # never opened: the first opens race too
    problems = at_once(payband, db, steps, tmp)
    if not problems:
        why = consistent(db)
        got = digest(db)
        if why:
            problems.append(why)
        elif got != digest(want):
            problems += differences(got, digest(want))
    return problems


class KillRounds:
    """The files and the two sequential results the kill rounds share."""

    def __init__(self, payband, dbs, tmp, n):
        self.payband, self.tmp, self.n = payband, tmp, n
        self.files = make_files(tmp, n, 200)
        victim = os.path.join(tmp, "victim.csv")
        write_reports(victim, 4000, 99)
        self.victim_import = ["reports", "import", "--currency", "USD", "--source",
                              "conc-victim", victim]
        others = [imports_of(self.files, i) for i in range(n)]
        without = dbs.new("seq")
        init_empty(payband, without, tmp)
        one_after_another(payband, without, others, tmp)
        with_victim = dbs.new("seq")
        init_empty(payband, with_victim, tmp)
        t0 = time.monotonic()
        one_after_another(payband, with_victim, others + [[self.victim_import]], tmp)
        self.span = time.monotonic() - t0
        self.states = {"without": digest(without), "with": digest(with_victim)}

    def round(self, db, rng):
        """One kill: (problems, "with" | "without" | None)."""
        payband, tmp = self.payband, self.tmp
        init_empty(payband, db, tmp)
        delay = rng.uniform(0, self.span)
        victim_proc = subprocess.Popen([payband, "--db", db] + self.victim_import, cwd=tmp,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.n) as pool:
            futures = [pool.submit(run_process, payband, db, steps_of(self.files, i), tmp)
                       for i in range(self.n)]
            time.sleep(delay)
            victim_proc.send_signal(signal.SIGKILL)
            victim_proc.wait()
            results = [f.result() for f in futures]
        problems = [f"process {i}: {r}" for i, r in enumerate(results) if r]
        if problems:
            return problems, None
        why = consistent(db)
        got = digest(db)
        outcome = next((k for k, v in self.states.items() if v == got), None)
        if why:
            return [f"after a kill at {delay * 1000:.0f} ms: {why}"], None
        if outcome is None:
            return [f"after a kill at {delay * 1000:.0f} ms the database is neither with nor "
                    "without the killed import: "
                    + "; ".join(differences(got, self.states["with"]))], None
        r = run_process(payband, db, [self.victim_import], tmp)
        if r:
            return [f"importing the killed file again: {r}"], outcome
        if digest(db) != self.states["with"]:
            return ["importing the killed file again did not complete it"], outcome
        return [], outcome


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("payband")
    ap.add_argument("--sizes", default="2,8")
    ap.add_argument("--kill-rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    payband = os.path.abspath(args.payband)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    rng = random.Random(seed)
    sizes = [int(x) for x in args.sizes.split(",")]
    backend = pgdb.backend()
    passed = failed = 0

    def report(name, problems, detail=""):
        nonlocal passed, failed
        if problems:
            failed += 1
            print(f"FAIL concurrency {name} ({backend}){detail}")
            for p in problems[:10]:
                print("  " + p)
        else:
            passed += 1
            print(f"ok   concurrency {name} ({backend}){detail}")

    for n in sizes:
        checks = [(f"{n} processes importing their own files and querying", check_distinct),
                  (f"{n} processes importing the same files into a new database", check_same)]
        for name, check in checks:
            tmp = tempfile.mkdtemp(prefix="payband-conc-")
            dbs = Databases(tmp)
            t0 = time.monotonic()
            try:
                problems = check(payband, dbs, tmp, n)
            except (RuntimeError, subprocess.SubprocessError, pgdb.Error) as e:
                problems = [str(e)]
            finally:
                dbs.drop_all()
                shutil.rmtree(tmp, ignore_errors=True)
            report(name, problems, f": {time.monotonic() - t0:.1f}s")
        outcomes = {"with": 0, "without": 0}
        problems = []
        t0 = time.monotonic()
        tmp = tempfile.mkdtemp(prefix="payband-conc-")
        dbs = Databases(tmp)
        try:
            rounds = KillRounds(payband, dbs, tmp, n)
            for _ in range(args.kill_rounds):
                round_problems, outcome = rounds.round(dbs.new("kill"), rng)
                problems += round_problems
                if outcome:
                    outcomes[outcome] += 1
        except (RuntimeError, subprocess.SubprocessError, pgdb.Error) as e:
            problems.append(str(e))
        finally:
            dbs.drop_all()
            shutil.rmtree(tmp, ignore_errors=True)
        report(f"{n} processes while a reports import is killed", problems,
               f": {args.kill_rounds} kills ({outcomes['without']} before its commit, "
               f"{outcomes['with']} after), {time.monotonic() - t0:.1f}s, seed {seed}")
    print(f"concurrency: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
