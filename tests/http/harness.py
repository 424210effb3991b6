"""Starting and stopping `payband serve` for the HTTP tests.

A server is started on 127.0.0.1 port 0 (the kernel picks a free port, which
the server prints on stderr), with a fresh database in its own temporary
directory (or, when PAYBAND_TEST_PG names a PostgreSQL cluster, a fresh
database of that cluster: tests/pgdb.py), and stopped with SIGTERM at the end; a server that does not stop
cleanly within the time allowed is reported and killed. All traffic goes to
127.0.0.1 only. Every wait is bounded in time.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pgdb  # noqa: E402  tests/pgdb.py

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = "test-token-0123456789abcdef"
START_SECONDS = 60  # the sanitizer build starts slowly on a busy machine


class Server:
    def __init__(self, payband, flags=(), env=None):
        self.payband = payband
        self.flags = list(flags)
        self.dir = tempfile.mkdtemp(prefix="payband-http-")
        self.pg = pgdb.enabled()
        self.db = pgdb.create("http") if self.pg else os.path.join(self.dir, "payband.db")
        self.token_file = os.path.join(self.dir, "token")
        with open(self.token_file, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(self.token_file, 0o600)
        self.stderr_path = os.path.join(self.dir, "stderr")
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.proc = None
        self.port = None

    def substitute(self, text):
        return (text.replace("{token_file}", self.token_file).replace("{token}", TOKEN)
                .replace("{db}", self.db).replace("{root}", ROOT).replace("{tmp}", self.dir))

    def start(self):
        args = [self.payband, "serve", "--db", self.db, "--listen", "127.0.0.1:0"]
        args += [self.substitute(f) for f in self.flags]
        self.stderr = open(self.stderr_path, "w+")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.stderr,
                                     env=self.env, cwd=self.dir)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            text = self.log()
            m = re.search(r"serving http://127\.0\.0\.1:(\d+)/", text)
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"payband serve exited {self.proc.returncode}: {text}")
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("payband serve did not start in time")

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def pid(self):
        return self.proc.pid

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, seconds=60):
        """SIGTERM, then wait; the exit status, or None when it had to be killed."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(seconds)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.proc.returncode

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def cleanup(self):
        self.kill()
        if hasattr(self, "stderr"):
            self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if self.pg and self.db:
            pgdb.drop(self.db)
            self.db = None

    # ---- requests ---------------------------------------------------------

    def request(self, method, path, body=None, headers=None, timeout=60, source=None):
        """(status, headers as a dict of lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def raw(self, data, timeout=10, source=None):
        """Send raw bytes, read until the server closes or the time is up."""
        s = socket.socket()
        s.settimeout(timeout)
        if source:
            s.bind((source, 0))
        s.connect(("127.0.0.1", self.port))
        got = b""
        try:
            s.sendall(data)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
                if b"\r\n\r\n" in got and response_complete(got):
                    break
        except (socket.timeout, ConnectionResetError, BrokenPipeError):
            pass
        finally:
            s.close()
        return got


def response_complete(data):
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return m is not None and len(body) >= int(m.group(1))


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None
