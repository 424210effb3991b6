#!/usr/bin/env python3
"""Crash safety of imports: kill `payband import` (a guide) and `payband
import-facts` (a facts file) with SIGKILL at hundreds of random points and
check, after each kill, that the database holds either the old state or
the new one — every table, row for row — and that SQLite's integrity and
foreign-key checks pass.

usage: run_crash.py BUILD [--seed N] [--delay-kills N] [--count-kills N]

Two kinds of kill point, for each of the two imports:
  * after a random delay from the start of the real tool, BUILD/payband
    (uniform over 1.2 times a full run, so some land before, some inside
    and some after the write), and once as soon as its report (written
    after the commit) reaches stdout, which must find the new state;
  * at an exact point of BUILD/tests/payband-killpoint (the same tool with
    libpayband-test.a): payband's Nth allocation, SQLite's Nth
    virtual-machine step, or the Nth write/sync/truncate/delete SQLite asks
    of the file system. N is drawn at random from each of `--count-kills`
    equal slices of the run's total (counted by a first run), so the
    points cover the whole run, the commit included.
Every tenth killed database is then imported into again with the real tool,
which must reach the new state. The old state is the built-in dataset plus
an earlier version of the same source (so the import replaces rows, not
only adds them). Inputs are generated here; figures are invented.

On PostgreSQL (PAYBAND_TEST_PG names a cluster: tests/pgdb.py) the same
kills run against databases of that cluster: a database is copied with
CREATE DATABASE ... TEMPLATE, and "intact" means every foreign key has its
parent row and every index agrees with its table (pgdb.consistent) in place
of SQLite's checks. The step and io kill points are SQLite's own (its
virtual machine, its files) and are skipped there; the delayed kills and the
allocation kills (payband's own) run on both.

Prints one "ok"/"FAIL" line per import and a last line
"crash: P passed, F failed, S skipped".
"""
import argparse
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import pgdb  # noqa: E402

PG = pgdb.enabled()


# ---- inputs ---------------------------------------------------------------

def guide(version, company="Crashproof Robotics"):
    """A negotiation guide for an invented company (two words); version 2
    has other figures and fewer rows than version 1."""
    n = 40 if version == 1 else 30
    bump = 0 if version == 1 else 3
    rows = []
    for i in range(n):
        lo, hi = 80 + i + bump, 100 + i + bump
        rows.append(f"| Site {i} | £{lo}K–£{hi}K | £40K–£80K | 10% | "
                    f"£{lo + 10 + lo // 10}K–£{hi + 20 + hi // 10}K |")
    return "\n".join([
        f"### Platform Engineer | {company} Global Negotiation Guide",
        "",
        "**Negotiation DNA:** Steady Base + Annual Bonus | Robotics | Long Vesting",
        "",
        "| Region | Base Salary | Stock (RSU/4yr) | Bonus | Total Comp |",
        "|--------|-------------|-----------------|-------|------------|",
        f"| London | £{80 + bump}K–£{100 + bump}K | £40K–£80K | 10% | £98K–£130K |",
        "| Remote Europe | Varies by location (70–90% of London) | Same equity grant | 10% "
        "| Varies |",
        *rows,
        "",
        f"**Level Mapping:** {company.split()[0]} Platform Engineer = Google L4 (London) = "
        "Meta E4.",
        "",
        "**Global Levers**",
        f"1. **Competing Offer (London):** \"Google London has offered me £{95 + bump}K base "
        "with £30K/year RSUs. That's £500K over four years.\"",
        "",
        f"> **Negotiate Up Strategy:** \"My ask is £{98 + bump}K base with £70K equity over "
        "four years. My accept-at floor is £85K base. Additional asks: (1) a signing bonus "
        "of £8K, (2) a learning budget.\"",
        "",
        "**Evidence & Sources**",
        "- Invented for payband's crash tests",
        "",
    ])


def facts(version, key="crash-facts"):
    """A facts file with one source key in two versions: many bands,
    companies, level maps, rates, offers and premiums."""
    n = 120 if version == 1 else 90
    bump = 0 if version == 1 else 1000
    out = [
        "source:",
        f"  key: {key}",
        "  kind: guide",
        f"  title: \"Crash test facts, version {version}\"",
        "  published: 2026-03-02",
        "  as_of: 2026-03-01",
        "  review_due: 2026-09-01",
        "companies:",
    ]
    for c in range(12):
        out.append(f"  - {{slug: crash-co-{c}, name: Crash Co {c}}}")
    out += ["roles:", "  - {slug: crash-engineer, name: Crash Engineer}", "bands:"]
    for i in range(n):
        lo = 60000 + 500 * i + bump
        out += [f"  - company: crash-co-{i % 12}",
                "    role: crash-engineer",
                f"    level: L{i % 7 + 1}",
                f"    region: Site {i}",
                "    currency: EUR",
                f"    base: [{lo}, {lo + 20000}]",
                "    equity: [40000, 80000]",
                "    vest_years: 4",
                "    bonus_pct: [5, 10]",
                f"    line: {i + 1}"]
    out.append("level_maps:")
    for i in range(6):
        out += [f"  - line: {200 + i}", "    chain:",
                f"      - {{company: crash-co-{i}, role: crash-engineer, level: L{i + 1}}}",
                f"      - {{company: crash-co-{i + 6}, title: Engineer {version}, level: L{i + 2}}}"]
    out.append("fx_rates:")
    for d in range(1, 21):
        out.append(f"  - {{date: 2026-03-{d:02d}, base: EUR, quote: USD, "
                   f"rate: {1.05 + d / 1000 + version / 100:.4f}, line: {300 + d}}}")
    out.append("offers:")
    for i in range(10):
        out.append(f"  - {{company: crash-co-{i}, role: crash-engineer, currency: EUR, "
                   f"base: {90000 + i * 1000 + bump}, equity_per_year: 20000, vest_years: 4, "
                   f"line: {400 + i}}}")
    out += ["premiums:",
            f"  - {{name: {key}-premium, applies_to: equity, pct: [{10 + version}, 25], "
            "line: 500}"]
    return "\n".join(out) + "\n"


# ---- the database ---------------------------------------------------------

def new_db(directory, name):
    """A database for the scenario: a file in `directory`, or a new
    PostgreSQL database."""
    return pgdb.create("crash_" + name) if PG else os.path.join(directory, name + ".db")


def copy_db(src, dst):
    if PG:
        pgdb.copy(src, dst)
        return
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    for suffix in ("", "-wal"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)


# Columns that say when a row was written, not what it holds.
WALL_CLOCK = {("source", "imported_at")}
# PostgreSQL's count of write transactions (for other instances' caches):
# when a write happened, not what the store holds; an import that finds
# nothing to change counts too
PG_WHEN = WALL_CLOCK | {("payband_generation", "n")}


def differences(got, want):
    """Which parts of two dumps differ, with a row of each side."""
    said = []
    for (name, rows), (_, wanted) in zip(got, want):
        if rows != wanted:
            extra = [r for r in rows if r not in wanted][:1]
            missing = [r for r in wanted if r not in rows][:1]
            said.append(f"{name}: has {extra}, lacks {missing}")
    return "; ".join(said) or "the dumps differ in length"


def dump(path):
    """Schema, user_version and every row of every table, order-free (the
    wall-clock columns left out; on PostgreSQL, ids as their ranks: a
    killed transaction's ids are not drawn again)."""
    if PG:
        return pgdb.dump(path, PG_WHEN, renumber=True)
    con = sqlite3.connect(path)
    try:
        out = [("user_version", con.execute("PRAGMA user_version").fetchone())]
        tables = []
        for kind, name, sql in con.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"):
            out.append((kind, name, sql))
            if kind == "table":
                tables.append(name)
        for name in tables:
            cur = con.execute('SELECT * FROM "%s"' % name.replace('"', '""'))
            keep = [i for i, d in enumerate(cur.description) if (name, d[0]) not in WALL_CLOCK]
            rows = [tuple(r[i] for i in keep) for r in cur.fetchall()]
            out.append((name, sorted(rows, key=repr)))
        return out
    finally:
        con.close()


def intact(path):
    """None when integrity and foreign keys check out, else why not."""
    if PG:
        return pgdb.consistent(path)
    con = sqlite3.connect(path)
    try:
        integrity = con.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            return "integrity_check: %r" % (integrity[:5],)
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            return "foreign_key_check: %r" % (fk[:5],)
        return None
    except sqlite3.DatabaseError as e:
        return "cannot read the database: %s" % e
    finally:
        con.close()


# ---- one import -----------------------------------------------------------

class Scenario:
    def __init__(self, name, build, tmp, setup_args, action_args):
        self.name = name
        self.payband = os.path.join(build, "payband")
        self.killpoint = os.path.join(build, "tests", "payband-killpoint")
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.base = new_db(self.dir, "base")
        self.work = new_db(self.dir, "work")
        self.scratch = new_db(self.dir, "scratch")
        self.kept = []
        self.action = action_args
        self.run([self.payband, "--db", self.base, "init"])
        self.run([self.payband, "--db", self.base] + setup_args)
        self.old = self.fresh_dump(self.base)
        copy_db(self.base, self.work)
        self.run([self.payband, "--db", self.work] + self.action)
        self.new = dump(self.work)
        if self.new == self.old:
            raise RuntimeError("%s: the import changes nothing" % name)
        self.failures = []
        self.outcomes = {"old": 0, "new": 0}
        self.kills = 0

    def run(self, args):
        p = subprocess.run(args, cwd=self.dir, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p

    def fresh_dump(self, path):
        copy_db(path, self.scratch)
        return dump(self.scratch)

    def totals(self):
        """Allocations, SQLite steps and file operations of a whole import."""
        copy_db(self.base, self.work)
        p = self.run([self.killpoint, "count", "0", "--db", self.work] + self.action)
        if dump(self.work) != self.new:
            raise RuntimeError("%s: payband-killpoint's import differs from payband's"
                               % self.name)
        line = [ln for ln in p.stderr.splitlines() if ln.startswith("killpoint: ")][-1]
        return {k: int(v) for k, v in (kv.split("=") for kv in line.split()[1:])}

    def full_time(self):
        times = []
        for _ in range(3):
            copy_db(self.base, self.work)
            t0 = time.monotonic()
            self.run([self.payband, "--db", self.work] + self.action)
            times.append(time.monotonic() - t0)
        return statistics.median(times)

    def check(self, what, retry):
        self.kills += 1
        if PG:
            # a COMMIT the client sent before it died still lands: look once
            # the server has ended the killed client's session
            pgdb.wait_alone(self.work)
        why = intact(self.work)
        if why is None:
            state = dump(self.work)
            if state == self.old:
                self.outcomes["old"] += 1
            elif state == self.new:
                self.outcomes["new"] += 1
            else:
                why = "the database is neither the old state nor the new one"
        if why is None and retry:
            p = subprocess.run([self.payband, "--db", self.work] + self.action, cwd=self.dir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                why = "importing again after the kill failed: %s" % p.stderr.strip()
            else:
                again = dump(self.work)
                if again != self.new:
                    why = ("importing again after the kill did not give the new state: "
                           + differences(again, self.new))
        if why is not None:
            self.failures.append("%s: %s" % (what, why))
            keep = new_db(self.dir, "failed-%d" % len(self.failures))
            copy_db(self.work, keep)
            self.kept.append(keep)

    def drop(self):
        """Drop the PostgreSQL databases (not those kept for a failure)."""
        if PG:
            for uri in (self.base, self.work, self.scratch):
                pgdb.drop(uri)

    def kill_after_delay(self, rng, n, span):
        for i in range(n):
            copy_db(self.base, self.work)
            delay = rng.uniform(0, span)
            p = subprocess.Popen([self.payband, "--db", self.work] + self.action, cwd=self.dir,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            self.check("SIGKILL after %.2f ms" % (delay * 1000), i % 10 == 9)

    def kill_after_report(self):
        """One kill as soon as the import's report reaches its stdout: the
        report is written after the commit, so this kill must find the new
        state. It keeps the run honest when the random points all land
        before the commit (on PostgreSQL, no allocation of payband's
        follows the COMMIT)."""
        copy_db(self.base, self.work)
        new_before = self.outcomes["new"]
        p = subprocess.Popen([self.payband, "--db", self.work] + self.action, cwd=self.dir,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        first = p.stdout.read(1)
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdout.close()
        if not first:
            self.failures.append("the import ended without a report")
        self.check("SIGKILL once the report began", False)
        if self.outcomes["new"] == new_before:
            self.failures.append("killed after its report, the import had not landed")

    def kill_at_counts(self, rng, kind, total, n):
        slices = min(n, total)
        for i in range(slices):
            lo = 1 + total * i // slices
            hi = max(lo, total * (i + 1) // slices)
            point = rng.randint(lo, hi)
            copy_db(self.base, self.work)
            p = subprocess.run([self.killpoint, kind, str(point), "--db", self.work]
                               + self.action, cwd=self.dir, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
            if p.returncode != -signal.SIGKILL:
                self.failures.append("%s %d: not killed (exit %d): %s"
                                     % (kind, point, p.returncode, p.stderr.strip()))
                continue
            self.check("SIGKILL at %s %d of %d" % (kind, point, total), i % 10 == 9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--delay-kills", type=int, default=50,
                    help="kills after a random delay, per import (default 50)")
    ap.add_argument("--count-kills", type=int, default=25,
                    help="kills at allocation, step and I/O counts, each, per import "
                         "(default 25)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    rng = random.Random(seed)
    passed = failed = skipped = 0
    # SQLite's virtual-machine steps and file operations: no such points on PostgreSQL
    kinds = ("alloc",) if PG else ("alloc", "step", "io")
    tmp = tempfile.mkdtemp(prefix="payband-crash-")
    keep_tmp = False
    try:
        with open(os.path.join(tmp, "guide-v1.md"), "w", encoding="utf-8") as f:
            f.write(guide(1))
        with open(os.path.join(tmp, "guide-v2.md"), "w", encoding="utf-8") as f:
            f.write(guide(2))
        with open(os.path.join(tmp, "facts-v1.yaml"), "w", encoding="utf-8") as f:
            f.write(facts(1))
        with open(os.path.join(tmp, "facts-v2.yaml"), "w", encoding="utf-8") as f:
            f.write(facts(2))
        scenarios = [
            ("import", ["import", os.path.join(tmp, "guide-v1.md")],
             ["import", os.path.join(tmp, "guide-v2.md")]),
            ("import-facts", ["import-facts", os.path.join(tmp, "facts-v1.yaml")],
             ["import-facts", os.path.join(tmp, "facts-v2.yaml")]),
        ]
        for name, setup, action in scenarios:
            t0 = time.monotonic()
            s = None
            try:
                s = Scenario(name, build, tmp, setup, action)
                totals = s.totals()
                span = 1.2 * s.full_time()
                s.kill_after_delay(rng, args.delay_kills, span)
                s.kill_after_report()
                for kind in kinds:
                    s.kill_at_counts(rng, kind, totals[kind], args.count_kills)
                if PG:
                    print("skip crash %s: step and io kill points: SQLite's own, not "
                          "PostgreSQL's" % name)
                    skipped += 1
            except (RuntimeError, pgdb.Error) as e:
                if s is not None:
                    s.drop()
                print("FAIL crash %s: %s" % (name, e))
                failed += 1
                keep_tmp = True
                continue
            took = time.monotonic() - t0
            detail = ("%d kills (%d old, %d new; alloc %d, step %d, io %d points of a run), "
                      "%.1fs, seed %d" % (s.kills, s.outcomes["old"], s.outcomes["new"],
                                          totals["alloc"], totals["step"], totals["io"],
                                          took, seed))
            if s.outcomes["old"] == 0 or s.outcomes["new"] == 0:
                s.failures.append("every kill left the same state: the points missed the write")
            s.drop()
            if s.failures:
                print("FAIL crash %s: %s" % (name, detail))
                for why in s.failures[:20]:
                    print("  " + why)
                print("  (databases kept in %s; repeat with --seed %d)"
                      % (", ".join(s.kept) if PG else s.dir, seed))
                failed += 1
                keep_tmp = True
            else:
                print("ok   crash %s: %s" % (name, detail))
                passed += 1
    finally:
        if not keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print("crash: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
