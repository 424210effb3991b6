#!/usr/bin/env python3
"""Fresh PostgreSQL databases for payband's tests: the one switch.

When PAYBAND_TEST_PG holds the URI of a running cluster (for instance
postgresql:///postgres?host=/tmp/payband-pg, as scripts/pg-cluster prints),
every test that makes a fresh store makes a fresh PostgreSQL database
instead of a SQLite file: create() gives the URI of a new empty database,
drop() removes it. Without the variable, enabled() is false and the tests
use SQLite files as always.

The rest reads a database the way the crash and concurrency tests need:
dump() gives every row of every table (order-free), consistent() the
checks that stand for SQLite's integrity and foreign-key checks, copy()
a new database made from another (CREATE DATABASE ... TEMPLATE), count()
one number. Everything goes through the psql client (Debian's
postgresql-client, which the postgresql package brings).

As a command, for shell scripts:
  pgdb.py create [PREFIX]   print the URI of a new database
  pgdb.py drop URI          drop it
"""
import itertools
import json
import os
import re
import secrets
import subprocess
import time
import sys

_URI = re.compile(r"^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\?.*)?$")
_counter = itertools.count()


def base():
    """The cluster's URI, or None when the tests run on SQLite."""
    return os.environ.get("PAYBAND_TEST_PG") or None


def enabled():
    return base() is not None


def backend():
    return "postgresql" if enabled() else "sqlite"


def with_database(uri, name):
    """`uri` naming the database `name` instead of its own."""
    m = _URI.match(uri)
    if not m:
        raise ValueError(f"not a postgresql:// URI: {uri}")
    return f"{m.group(1)}/{name}{m.group(3) or ''}"


def database_of(uri):
    m = _URI.match(uri)
    if not m:
        raise ValueError(f"not a postgresql:// URI: {uri}")
    return (m.group(2) or "/").lstrip("/")


def is_uri(target):
    return bool(target) and _URI.match(target) is not None


class Error(RuntimeError):
    pass


def psql(uri, sql, timeout=120):
    """Run `sql` on `uri`; the rows of its last statement as lists of text
    (None for NULL)."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                        "-F", "\x1f", "-R", "\x1e", "-P", "null=\x01", "-d", uri, "-c", sql],
                       capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise Error(f"psql {database_of(uri)}: {p.stderr.decode('utf-8', 'replace').strip()}"
                    f"\n  in: {sql[:300]}")
    text = p.stdout.decode("utf-8")
    if text.endswith("\n"):
        text = text[:-1]
    rows = []
    for rec in text.split("\x1e"):
        if rec == "":
            continue
        rows.append([None if f == "\x01" else f for f in rec.split("\x1f")])
    return rows


def new_name(prefix="t"):
    prefix = re.sub(r"[^a-z0-9_]", "_", prefix.lower())[:20]
    return f"payband_test_{prefix}_{os.getpid()}_{next(_counter)}_{secrets.token_hex(3)}"


def create(prefix="t", template=None):
    """The URI of a new, empty database of the cluster (or a copy of the
    database `template` names)."""
    cluster = base()
    if cluster is None:
        raise Error("PAYBAND_TEST_PG is not set")
    name = new_name(prefix)
    sql = f'CREATE DATABASE "{name}" STRATEGY FILE_COPY'
    if template:
        sql += f' TEMPLATE "{database_of(template)}"'
    psql(cluster, sql)
    return with_database(cluster, name)


def drop(uri):
    """Drop the database `uri` names, even while killed clients' sessions
    linger."""
    cluster = base() or uri
    psql(cluster, f'DROP DATABASE IF EXISTS "{database_of(uri)}" WITH (FORCE)')


def drop_later(uri):
    """Start dropping `uri`; the process, to wait() for, is returned."""
    cluster = base() or uri
    return subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", cluster, "-c",
                             f'DROP DATABASE IF EXISTS "{database_of(uri)}" WITH (FORCE)'],
                            stdout=subprocess.DEVNULL)


def copy(src, dst):
    """Make `dst` (a URI of this cluster) a copy of `src`, replacing it."""
    drop(dst)
    cluster = base() or src
    psql(cluster, f'CREATE DATABASE "{database_of(dst)}" TEMPLATE "{database_of(src)}" '
                  'STRATEGY FILE_COPY')


def count(uri, sql):
    return int(psql(uri, sql)[0][0])


def tables(uri):
    return [r[0] for r in psql(uri, "SELECT table_name FROM information_schema.tables "
                                    "WHERE table_schema = current_schema() "
                                    "AND table_type = 'BASE TABLE' ORDER BY table_name")]


def wait_alone(uri, seconds=30):
    """Wait until no other session is connected to `uri`'s database (the
    server ends a killed client's session, finishing or undoing its
    transaction, a moment after the client dies)."""
    deadline = time.monotonic() + seconds
    while count(uri, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                     "current_database() AND pid <> pg_backend_pid()"):
        if time.monotonic() > deadline:
            raise Error(f"{database_of(uri)}: other sessions still connected after {seconds} s")
        time.sleep(0.02)


def dump(uri, skip=frozenset(), renumber=False):
    """The schema (columns and their types) and every row of every table,
    order-free; `skip` holds (table, column) pairs left out (columns that
    say when a row was written, not what it holds). With `renumber`, each
    table's `id` and the foreign keys that point at it hold the id's rank
    among its table's ids rather than its value: a sequence is not rolled
    back with the transaction that drew from it, so rows written again
    after a killed transaction get later ids, in the same order."""
    out = [("columns", psql(uri, "SELECT table_name, column_name, data_type, is_nullable "
                                 "FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() "
                                 "ORDER BY table_name, ordinal_position"))]
    names = tables(uri)
    if not names:
        return out
    union = " UNION ALL ".join(
        f"SELECT '{t}', row_to_json(\"{t}\")::text FROM \"{t}\"" for t in names)
    rows = {t: [] for t in names}
    for table, row in psql(uri, union):
        values = json.loads(row)
        for (t, column) in skip:
            if t == table:
                values.pop(column, None)
        rows[table].append(values)
    if renumber:
        _renumber_ids(uri, rows)
    for t in names:
        out.append((t, sorted(json.dumps(v, sort_keys=True) for v in rows[t])))
    return out


def _renumber_ids(uri, rows):
    """Replace ids by their ranks in `rows` (table -> list of dicts), in
    the tables' `id` columns and the one-column foreign keys to them."""
    rank = {}
    for t, values in rows.items():
        ids = sorted(v["id"] for v in values if isinstance(v.get("id"), int))
        rank[t] = {old: n for n, old in enumerate(ids, 1)}
    for child, parent, ccols, pcols in psql(uri, _FOREIGN_KEYS):
        if pcols != "id" or "," in ccols or parent not in rank or child not in rows:
            continue
        column = ccols.strip('"')
        for v in rows[child]:
            if v.get(column) is not None:
                v[column] = rank[parent].get(v[column], v[column])
    for t, values in rows.items():
        for v in values:
            if isinstance(v.get("id"), int):
                v["id"] = rank[t][v["id"]]


_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
       (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.n)
          FROM unnest(c.conkey) WITH ORDINALITY AS k(att, n)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att),
       (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.n)
          FROM unnest(c.confkey) WITH ORDINALITY AS k(att, n)
          JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att)
FROM pg_constraint c
WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
ORDER BY 1, 3
"""


def consistent(uri):
    """None when the database checks out, else why not: every foreign key
    has its parent row (checked by query, not trusted to the constraint),
    and every B-tree index agrees with its table (amcheck's
    bt_index_check, PostgreSQL's counterpart of PRAGMA integrity_check)."""
    try:
        orphans = []
        for child, parent, ccols, pcols in psql(uri, _FOREIGN_KEYS):
            cc, pc = ccols.split(","), pcols.split(",")
            match = " AND ".join(f"p.{p} = c.{c}" for c, p in zip(cc, pc))
            present = " AND ".join(f"c.{c} IS NOT NULL" for c in cc)
            orphans.append(f"SELECT {_literal(child)}, {_literal(ccols)}, {_literal(parent)}, "
                           f"(SELECT count(*) FROM {child} c WHERE {present} AND NOT EXISTS "
                           f"(SELECT 1 FROM {parent} p WHERE {match}))")
        # one round trip (and only the last statement returns rows):
        # bt_index_check raises an error on the first index it finds wrong;
        # then the first foreign key with orphans, if any
        sql = ("CREATE EXTENSION IF NOT EXISTS amcheck; "
               "DO $$ DECLARE r record; BEGIN "
               "FOR r IN SELECT i.indexrelid FROM pg_index i "
               "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
               "WHERE am.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace "
               "LOOP PERFORM bt_index_check(r.indexrelid, true); END LOOP; END $$;")
        if not orphans:
            psql(uri, sql)
            return None
        sql += (" SELECT * FROM (" + " UNION ALL ".join(orphans) +
                ") AS fk(child, columns, parent, n) WHERE n > 0 LIMIT 1")
        for child, ccols, parent, n in psql(uri, sql):
            return f"{n} rows of {child}({ccols}) lack their {parent} row"
        return None
    except Error as e:
        return f"cannot check the database: {e}"


def _literal(text):
    return "'" + text.replace("'", "''") + "'"


def main(argv):
    if len(argv) >= 2 and argv[1] == "create":
        print(create(argv[2] if len(argv) > 2 else "t"))
        return 0
    if len(argv) == 3 and argv[1] == "drop":
        drop(argv[2])
        return 0
    sys.stderr.write("usage: pgdb.py create [PREFIX] | drop URI\n")
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Error as e:
        sys.exit(f"pgdb: {e}")
