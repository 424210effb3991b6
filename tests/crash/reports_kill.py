#!/usr/bin/env python3
"""Crash safety of `payband reports import`: kill it at random points.

usage: reports_kill.py PAYBAND [KILLS]

A store holding one file of reports (the "old" state) is copied, and
`payband reports import` of a second, larger file is started on the copy
and killed with SIGKILL after a random delay, KILLS times (default 200;
PAYBAND_KILLS overrides). After each kill the store must pass
PRAGMA integrity_check and hold exactly the old state or exactly the
state a complete import gives (the "new" state): an import is one
transaction. The delays are spread over the whole length of an import, so
that kills land while rows are read, while they are written, while the
groups are rebuilt and while the transaction commits. Six imports run at
once, each on its own copy, so that the 200 kills take well under a minute
(about 15 s on a quiet machine). Prints one line "crash: ..." and exits
non-zero on any store that is neither.

On PostgreSQL (PAYBAND_TEST_PG names a cluster: tests/pgdb.py) each store is
a database of that cluster, copied with CREATE DATABASE ... TEMPLATE, and
PRAGMA integrity_check gives way to pgdb.consistent (foreign keys have their
rows, indexes agree with their tables).
"""
import concurrent.futures
import os
import queue
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pgdb  # noqa: E402

PG = pgdb.enabled()
WORKERS = 6

DIGEST = [
    "SELECT count(*), coalesce(sum(copies), 0), coalesce(sum(abs(hash % 1000003)), 0) FROM report",
    "SELECT count(*), coalesce(sum(n), 0) FROM report_group",
    "SELECT count(*) FROM report_import",
    "SELECT count(*) FROM company",
    "SELECT count(*) FROM source",
]


def write_reports(path, rows, seed):
    rnd = random.Random(seed)
    companies = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka"]
    cities = ["Austin, TX", "Berlin, Germany", "Mountain View, CA", "Paris, France", "Remote"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("company,level,title,location,basesalary,totalyearlycompensation,yoe,timestamp\n")
        for i in range(rows):
            base = rnd.randint(60, 300) * 1000
            f.write(f"{rnd.choice(companies)},L{rnd.randint(1, 7)},Engineer {rnd.randint(1, 9)},"
                    f"\"{rnd.choice(cities)}\",{base},{base + rnd.randint(0, 200) * 1000},"
                    f"{rnd.randint(0, 30)},{2018 + rnd.randint(0, 7)}-0{rnd.randint(1, 9)}-1{i % 10}\n")


def digest(db):
    if PG:
        why = pgdb.consistent(db)
        return why or "ok", tuple(tuple(pgdb.psql(db, q)[0]) for q in DIGEST)
    con = sqlite3.connect(db, timeout=30)
    try:
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        return ok, tuple(con.execute(q).fetchone() for q in DIGEST)
    finally:
        con.close()


def run(payband, db, path, check=True):
    env = dict(os.environ, PAYBAND_DB=db)
    return subprocess.run([payband, "reports", "import", "--currency", "USD", path], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=check)


def copy_store(src, dst):
    if PG:
        pgdb.copy(src, dst)
        return
    for suffix in ("-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.unlink(dst + suffix)
    shutil.copyfile(src, dst)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: reports_kill.py PAYBAND [KILLS]")
    payband = os.path.abspath(sys.argv[1])
    kills = int(os.environ.get("PAYBAND_KILLS", sys.argv[2] if len(sys.argv) > 2 else 200))
    rnd = random.Random(int(os.environ.get("PAYBAND_KILL_SEED", "20261127")))
    tmp = tempfile.mkdtemp(prefix="payband-kill-")
    databases = []  # PostgreSQL's, dropped at the end
    try:
        old_csv, new_csv = os.path.join(tmp, "old.csv"), os.path.join(tmp, "new.csv")
        write_reports(old_csv, 200, 1)
        write_reports(new_csv, 800, 2)
        template = pgdb.create("kill_template") if PG else os.path.join(tmp, "template.db")
        databases.append(template)
        subprocess.run([payband, "--db", template, "init", "--empty"], check=True,
                       stdout=subprocess.DEVNULL)
        run(payband, template, old_csv)
        if not PG:
            # fold the WAL into the file so that a copy is the whole store
            con = sqlite3.connect(template)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        old = digest(template)
        # the length of an import while WORKERS run at once, as they will below
        works = [pgdb.create(f"kill_work_{i}") if PG else os.path.join(tmp, f"work-{i}.db")
                 for i in range(WORKERS)]
        databases += works
        for w in works:
            copy_store(template, w)
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(lambda w: run(payband, w, new_csv), works))
        length = time.monotonic() - start
        new = digest(works[0])
        if old[0] != "ok" or new[0] != "ok" or old[1] == new[1]:
            sys.exit(f"crash: could not set up: old {old}, new {new}")
        delays = [rnd.uniform(0, length * 1.15) for _ in range(kills)]

        free = queue.Queue()
        for w in works:
            free.put(w)

        def trial(i):
            """One kill, in a copy of the store no other trial uses meanwhile; returns old,
            new or why it is neither."""
            db = free.get()
            try:
                return kill_once(i, db)
            finally:
                free.put(db)

        def kill_once(i, db):
            copy_store(template, db)
            env = dict(os.environ, PAYBAND_DB=db)
            proc = subprocess.Popen([payband, "reports", "import", "--currency", "USD", new_csv],
                                    env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(delays[i])
            try:
                proc.send_signal(signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
            ok, state = digest(db)
            if ok != "ok":
                return f"kill {i}: integrity_check: {ok}"
            if state == old[1]:
                return "old"
            if state == new[1]:
                return "new"
            return f"kill {i}: neither old nor new: {state}"

        counts = {"old": 0, "new": 0}
        bad = []
        # a few kills at once (each on its own store) so that 200 fit in well under a minute
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for r in pool.map(trial, range(kills)):
                if r in counts:
                    counts[r] += 1
                else:
                    bad.append(r)
        print(f"crash: {kills} kills of reports import ({length * 1000:.0f} ms each when "
              f"whole): {counts['old']} old, {counts['new']} new, {len(bad)} bad")
        for b in bad[:10]:
            print(b)
        sys.exit(1 if bad else 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if PG:
            for db in databases:
                pgdb.drop(db)


if __name__ == "__main__":
    main()
