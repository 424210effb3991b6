#!/usr/bin/env python3
"""Hostile clients against `payband serve`: the server keeps answering other
clients and its memory stays bounded.

usage: hostile.py PAYBAND

Each test starts its own server on a free port of 127.0.0.1 (hostile clients
connect from 127.0.0.2, another loopback address, so that the per-address
limits can tell them from the well-behaved client on 127.0.0.1). Every loop
is bounded in count and in time; nothing asserts how fast anything is.
Prints one line per test and "hostile: N passed, N failed, N skipped".
"""
import json
import os
import re
import selectors
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, Server, status_of  # noqa: E402

HOSTILE = "127.0.0.2"
SANITIZED = "asan" in os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "")
# RSS may grow this much over a test (MiB); a sanitized build keeps freed
# memory in quarantine (capped below) and shadow memory besides.
RSS_BUDGET_MIB = 160 if SANITIZED else 48
ENV = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"}


class Failure(Exception):
    pass


def expect(cond, what):
    if not cond:
        raise Failure(what)


def good_client_ok(server, tries=5):
    """The well-behaved client on 127.0.0.1 gets an answer."""
    for _ in range(tries):
        try:
            status, _, body = server.request("GET", "/healthz", timeout=30)
            if status == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


def rss_bounded(server, before, what):
    grown = (server.rss_kib() - before) / 1024
    expect(grown < RSS_BUDGET_MIB, f"{what}: RSS grew {grown:.0f} MiB (budget {RSS_BUDGET_MIB})")


# ---- tests -------------------------------------------------------------------------


def test_slowloris(payband):
    """Headers dribbled a byte at a time on 50 connections are cut at the
    request deadline; the good client is answered all along."""
    server = Server(payband, ["--request-timeout", "2", "--timeout", "30",
                              "--max-connections-per-ip", "200"], ENV).start()
    try:
        before = server.rss_kib()
        socks = []
        for _ in range(50):
            s = socket.socket()
            s.bind((HOSTILE, 0))
            s.connect(("127.0.0.1", server.port))
            s.setblocking(False)
            socks.append(s)
        request = b"GET /api/v1/bands HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 400
        closed = set()
        sent = 0
        deadline = time.monotonic() + 30
        answered = 0
        while time.monotonic() < deadline and len(closed) < len(socks) and sent < len(request):
            for i, s in enumerate(socks):
                if i in closed:
                    continue
                try:
                    s.send(request[sent:sent + 1])
                    if s.recv(1) == b"":
                        closed.add(i)
                except BlockingIOError:
                    pass
                except OSError:
                    closed.add(i)
            sent += 1
            if good_client_ok(server, 1):
                answered += 1
            time.sleep(0.1)
        for s in socks:
            s.close()
        expect(len(closed) == len(socks),
               f"{len(socks) - len(closed)} dribbling connections were still open after "
               f"{sent} bytes each")
        expect(answered >= 1 and good_client_ok(server), "the good client was not answered")
        rss_bounded(server, before, "slowloris")
    finally:
        finish(server)


def test_body_one_byte_over_the_cap(payband):
    """Content-Length one byte over --max-body is 413 before the body is read;
    a chunked body that grows past the cap is 413 too; at the cap it is read."""
    server = Server(payband, ["--max-body", "4096", "--rate-limit", "0"], ENV).start()
    try:
        body = b"x" * 4097
        status, _, data = server.request("POST", "/api/v1/check", body=body,
                                         headers={"Content-Type": "text/plain"})
        expect(status == 413, f"4097 bytes: {status}")
        status, _, data = server.request("POST", "/api/v1/check", body=b"x" * 4096,
                                         headers={"Content-Type": "text/plain"})
        # read in full, and found to be no guide or briefing
        expect(status == 400 and b'"parse"' in data, f"4096 bytes: {status} {data[:80]!r}")
        chunks = b"".join(b"400\r\n" + b"y" * 1024 + b"\r\n" for _ in range(5)) + b"0\r\n\r\n"
        raw = server.raw(b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
        expect(status_of(raw) == 413, f"chunked 5 KiB: {raw[:80]!r}")
        expect(good_client_ok(server), "no answer after the big bodies")
    finally:
        finish(server)


def test_thousand_connections(payband):
    """1,000 connections open at once, each asking for bands: every one is
    answered 200, and the server stays within its memory budget."""
    server = Server(payband, ["--max-connections", "1100", "--max-connections-per-ip", "1100",
                              "--timeout", "60", "--request-timeout", "60"], ENV).start()
    try:
        before = server.rss_kib()
        n = 1000
        sel = selectors.DefaultSelector()
        request = (b"GET /api/v1/bands?company=hugging-face HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
        conns = []
        for i in range(n):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", server.port))
            state = {"sock": s, "out": request, "in": b"", "done": False}
            conns.append(state)
            sel.register(s, selectors.EVENT_WRITE, state)
        peak = 0
        deadline = time.monotonic() + (240 if SANITIZED else 90)
        pending = n
        while pending and time.monotonic() < deadline:
            for key, events in sel.select(timeout=1):
                st = key.data
                s = st["sock"]
                try:
                    if events & selectors.EVENT_WRITE and st["out"]:
                        sent = s.send(st["out"])
                        st["out"] = st["out"][sent:]
                        if not st["out"]:
                            sel.modify(s, selectors.EVENT_READ, st)
                    elif events & selectors.EVENT_READ:
                        chunk = s.recv(65536)
                        st["in"] += chunk
                        if not chunk:
                            st["done"] = True
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    st["done"] = True
                if st["done"]:
                    sel.unregister(s)
                    s.close()
                    pending -= 1
            peak = max(peak, server.rss_kib())
        ok = sum(1 for c in conns if status_of(c["in"]) == 200)
        for c in conns:
            if not c["done"]:
                c["sock"].close()
        expect(ok == n, f"{ok} of {n} connections answered 200 ({pending} unfinished)")
        expect(good_client_ok(server), "no answer after the thousand connections")
        expect((peak - before) / 1024 < RSS_BUDGET_MIB,
               f"RSS grew {(peak - before) / 1024:.0f} MiB during the connections")
    finally:
        finish(server)


def test_connections_per_address(payband):
    """One address holding its limit of idle connections cannot shut others out."""
    server = Server(payband, ["--max-connections-per-ip", "8"], ENV).start()
    try:
        socks = []
        for _ in range(20):
            s = socket.socket()
            s.bind((HOSTILE, 0))
            s.settimeout(5)
            s.connect(("127.0.0.1", server.port))
            socks.append(s)
        refused = 0
        for s in socks[8:]:
            try:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                refused += s.recv(100) == b""
            except OSError:
                refused += 1
        for s in socks:
            s.close()
        expect(refused == 12, f"{refused} of 12 connections over the limit were refused")
        expect(good_client_ok(server), "the other address was refused too")
    finally:
        finish(server)


MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n"
    b"Content-Type: text/plain\r\n\r\nhello",
    b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    b"Content-Type: text/plain\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 5000 + b"\r\n",
    b"\r\n\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n" + b"Cookie: " + b"c" * 70000 + b"\r\n\r\n",
]


def test_malformed_http(payband):
    """Each malformed request gets a 4xx or a closed connection, never a 2xx
    or a crash, and the server answers the good client after each one."""
    server = Server(payband, ["--rate-limit", "0"], ENV).start()
    try:
        before = server.rss_kib()
        for i, data in enumerate(MALFORMED):
            # a request still unfinished (blank lines before a request line
            # are allowed) is left waiting: the answer is none, a short wait
            # tells as much as a long one
            raw = server.raw(data, source=HOSTILE, timeout=2)
            status = status_of(raw)
            expect(status is None or 400 <= status < 500 or status == 505,
                   f"malformed request {i}: answered {raw[:60]!r}")
            expect(server.alive(), f"malformed request {i}: the server died")
            expect(good_client_ok(server), f"malformed request {i}: no answer afterwards")
        # A NUL in the request line ends the path where libmicrohttpd 0.9.75
        # reads it as a C string: the answer is that of "/", never of what
        # follows the NUL.
        raw = server.raw(b"GET /\x00../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
                         source=HOSTILE)
        status = status_of(raw)
        expect(status is None or 400 <= status < 500 or (status == 200 and b"<html" in raw),
               f"a NUL in the path: {raw[:60]!r}")
        expect(b"root:" not in raw, "a NUL in the path: a file outside the page came back")
        rss_bounded(server, before, "malformed requests")
    finally:
        finish(server)


TRAVERSALS = [
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd",
    "/web/index.html", "/server/serve.c", "//etc/passwd", "/index.html/../../serve.c",
    "/.git/config", "/%2fetc%2fpasswd", "/api/v1/../../etc/passwd", "/app.js%00.html",
    "/..\\..\\etc\\passwd", "/index.html?../../etc/passwd",
]


def test_path_traversal(payband):
    """No path outside the page's own files is served."""
    server = Server(payband, ["--rate-limit", "0"], ENV).start()
    try:
        for path in TRAVERSALS:
            raw = server.raw(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                             .encode(), source=HOSTILE)
            status = status_of(raw)
            expect(b"root:" not in raw and b"#include" not in raw and b"[core]" not in raw,
                   f"{path}: a file's contents came back")
            if path.startswith("/index.html?"):
                expect(status == 200, f"{path}: {status} (the page ignores its query)")
            else:
                expect(status in (400, 404, None), f"{path}: {status}")
        expect(good_client_ok(server), "no answer after the traversals")
    finally:
        finish(server)


def test_huge_query_strings(payband):
    """Query strings past the connection's memory are refused (414 or 431, or
    the connection closed), many parameters are refused or the connection
    closed, and the server keeps answering."""
    server = Server(payband, ["--rate-limit", "0"], ENV).start()
    try:
        before = server.rss_kib()
        for size in (10_000, 100_000, 1_000_000):
            raw = server.raw(b"GET /api/v1/bands?company=" + b"a" * size + b" HTTP/1.1\r\n"
                             b"Host: x\r\n\r\n", source=HOSTILE, timeout=30)
            status = status_of(raw)
            expect(status in (400, 404, 414, 431, None), f"a {size}-byte query: {status}")
            expect(good_client_ok(server), f"a {size}-byte query: no answer afterwards")
        many = "&".join(f"p{i}=v" for i in range(2000))
        raw = server.raw(f"GET /api/v1/bands?{many} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        expect(status_of(raw) in (400, 414, 431, None), f"2000 parameters: {raw[:60]!r}")
        rss_bounded(server, before, "huge queries")
    finally:
        finish(server)


def test_memory_steady_over_rounds(payband):
    """The same load twice: the second round does not grow the server (no
    memory kept per request)."""
    server = Server(payband, ["--rate-limit", "0"], ENV).start()
    try:
        offers = [open(os.path.join(ROOT, "examples/offers", f)).read()
                  for f in ("google-paris-l4.yaml", "startup-paris-options.yaml")]
        body = json.dumps({"offers": offers}).encode()

        def round_():
            for i in range(40):
                server.request("GET", f"/api/v1/bands?company=hugging-face&region=r{i}")
                server.request("POST", "/api/v1/compare?simulations=2000", body=body,
                               headers={"Content-Type": "application/json"})
                server.raw(MALFORMED[i % len(MALFORMED)], source=HOSTILE, timeout=1)
        round_()
        first = server.rss_kib()
        round_()
        second = server.rss_kib()
        budget = 24 if SANITIZED else 8
        expect((second - first) / 1024 < budget,
               f"the second round grew RSS by {(second - first) / 1024:.1f} MiB")
    finally:
        finish(server)


def test_sigterm_finishes_requests_in_flight(payband):
    """SIGTERM while a long compare runs: its answer arrives whole, new
    connections are refused, and the server exits 0."""
    server = Server(payband, ["--rate-limit", "0", "--max-simulation", "10000000000"],
                    ENV).start()
    try:
        offers = [open(os.path.join(ROOT, "examples/offers", f)).read()
                  for f in ("google-paris-l4.yaml", "startup-paris-options.yaml")]
        body = json.dumps({"offers": offers}).encode()
        sims = 250_000 if SANITIZED else 1_000_000
        for attempt in range(4):  # a larger compare when one ends before it is seen
            sims *= 2
            result = {}

            def slow():
                try:
                    result["answer"] = server.request(
                        "POST", f"/api/v1/compare?simulations={sims}", body=body,
                        headers={"Content-Type": "application/json"}, timeout=600)
                except OSError as e:
                    result["error"] = e
            t = threading.Thread(target=slow)
            t.start()
            seen = False
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not seen and t.is_alive():
                _, _, metrics = server.request("GET", "/metrics")
                m = re.search(rb"payband_requests_in_flight (\d+)", metrics)
                seen = m is not None and int(m.group(1)) >= 2  # the compare and this scrape
                time.sleep(0.005)
            if seen:
                break
            t.join(600)
        expect(seen, f"the compare was never seen in flight ({result})")
        server.proc.send_signal(signal.SIGTERM)
        t.join(600)
        expect("answer" in result, f"the request in flight failed: {result.get('error')}")
        status, _, data = result["answer"]
        expect(status == 200 and json.loads(data)["simulations"] == sims,
               f"the request in flight got {status}")
        rc = server.proc.wait(60)
        expect(rc == 0, f"exit status {rc}")
        expect("stopped" in server.log(), "no 'stopped' on stderr")
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
            refused = False
        except OSError:
            refused = True
        expect(refused, "the port still accepts connections after the server stopped")
    finally:
        server.kill()
        server.cleanup()


def finish(server):
    rc = server.stop()
    server.cleanup()
    if rc != 0:
        raise Failure(f"the server did not stop cleanly on SIGTERM (exit {rc})")


TESTS = [test_slowloris, test_body_one_byte_over_the_cap, test_thousand_connections,
         test_connections_per_address, test_malformed_http, test_path_traversal,
         test_huge_query_strings, test_memory_steady_over_rounds,
         test_sigterm_finishes_requests_in_flight]


def main(argv):
    if len(argv) < 2:
        raise SystemExit("usage: hostile.py PAYBAND [TEST...]")
    payband = os.path.abspath(argv[1])
    only = set(argv[2:])
    passed = failed = 0
    for test in TESTS:
        if only and test.__name__ not in only:
            continue
        try:
            test(payband)
            passed += 1
            print(f"ok {test.__name__}")
        except Exception as e:  # Failure, or the server misbehaving otherwise
            failed += 1
            print(f"FAIL {test.__name__}: {type(e).__name__}: {e}")
    print(f"hostile: {passed} passed, {failed} failed, 0 skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
