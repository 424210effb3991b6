#!/usr/bin/env python3
"""payband serve on PostgreSQL while the database server goes away and comes back.

usage: db_restart.py PAYBAND

Starts a PostgreSQL cluster of its own (scripts/pg-cluster, in a new
temporary directory: stopping the tests' shared cluster would break the
tests running beside it), a database in it and `payband serve` on that
database, given with a password in its URI. Then:

  * the line serve prints as it starts names the database with "***" for
    the password, never the password;
  * /healthz answers 200 and a bands query answers;
  * with the cluster stopped, /healthz answers 503 with a JSON error (a load
    balancer takes the instance out) and a query not answered before (so
    not in the server's cache) fails, without the server dying;
  * with the cluster started again, the same server, without a restart,
    answers /healthz 200 and the query with the same body as before.

Prints one "ok"/"FAIL" line per check and a last line
"db-restart: P passed, F failed, S skipped". Fails (never skips) when
PostgreSQL cannot start.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.ROOT
CLUSTER = os.path.join(ROOT, "scripts", "pg-cluster")
PASSWORD = "s3cret-never-shown"


def cluster(action, directory):
    r = subprocess.run([CLUSTER, action, directory], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise RuntimeError(f"pg-cluster {action}: {r.stderr.strip()}")
    return r.stdout.strip()


def with_password(uri):
    """postgresql://user@... as postgresql://user:PASSWORD@... (the cluster
    trusts local users, so the password is never asked for: it is only
    there to be hidden)."""
    scheme, rest = uri.split("://", 1)
    user, host = rest.split("@", 1)
    return f"{scheme}://{user}:{urllib.parse.quote(PASSWORD)}@{host}"


def main():
    payband = os.path.abspath(sys.argv[1])
    passed = failed = 0

    def check(ok, name, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"ok   {name}")
        else:
            failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))

    directory = tempfile.mkdtemp(prefix="pbdbr-", dir="/tmp")  # the socket path stays short
    server = None
    try:
        base = cluster("start", directory)
        # the harness makes the server's database in the cluster PAYBAND_TEST_PG names
        os.environ["PAYBAND_TEST_PG"] = base
        server = harness.Server(payband, flags=["--threads", "2"])
        plain = server.db
        server.db = with_password(plain)
        server.start()
        serving = [l for l in server.log().splitlines() if "serving http" in l]
        line = serving[0] if serving else ""
        check(PASSWORD not in server.log() and ":***@" in line,
              "serve's first line hides the database's password", line)
        query = "/api/v1/bands?company=google"
        status, _, body = server.request("GET", "/healthz")
        check(status == 200, "healthz answers 200 with the database up", f"{status} {body!r}")
        status, _, before = server.request("GET", query)
        check(status == 200, "a query answers with the database up", f"{status} {before!r}")

        cluster("stop", directory)
        status, _, body = server.request("GET", "/healthz")
        try:
            error = json.loads(body).get("error", {})
        except ValueError:
            error = None
        check(status == 503 and error is not None,
              "healthz answers 503 with a JSON error while the database is down",
              f"{status} {body!r}")
        # (a query answered before may come from the server's cache)
        status, _, body = server.request("GET", "/api/v1/bands?company=hugging-face")
        check(status >= 500 and b'"error"' in body,
              "a query not answered before fails while the database is down",
              f"{status} {body[:200]!r}")
        check(PASSWORD not in server.log(), "no message shows the password")
        check(server.alive(), "the server lives through the database's absence")

        cluster("start", directory)
        status, _, body = server.request("GET", "/healthz")
        check(status == 200, "healthz answers 200 again once the database is back",
              f"{status} {body!r}")
        status, _, after = server.request("GET", query)
        check(status == 200 and after == before,
              "the same server answers the query as before, without a restart",
              f"{status} {after[:200]!r}")
        check(server.stop() == 0, "the server stops cleanly")
        server.db = plain  # dropped by cleanup, without the password
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        check(False, "the PostgreSQL cluster and the server", str(e))
    finally:
        if server:
            server.cleanup()
        try:
            cluster("stop", directory)
        except (RuntimeError, subprocess.SubprocessError):
            pass
        shutil.rmtree(directory, ignore_errors=True)
    print(f"db-restart: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
