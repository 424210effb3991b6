#!/usr/bin/env python3
"""Runs payband's data-driven HTTP API cases against `payband serve`.

usage: run_http.py PAYBAND FILE.cases...

Cases are separated by lines starting with "=== " (the case's name). In a case:
  server: FLAG...          the flags of the server it runs against (default
                           "--rate-limit 0", so that the cases do not trip the
                           limit they do not test); cases with the same flags
                           share one server and its database, in file order
  GET|POST|HEAD|PUT|DELETE PATH   the request
  header: NAME: VALUE      a request header
  body-type: TYPE          Content-Type of the body
  body-file: PATH          the body is this file (relative to the project)
  body-offers: PATH...     the body is {"offers": [texts], "files": [names]}
  < LINE                   a line of the body (lines joined with newlines)
  --- status N             expected status (required)
  --- header NAME: VALUE   an expected response header (value exact)
  --- json                 each following line: PATH OP VALUE, where PATH is
                           like `[0].tc_low` or `error.code` (`len(PATH)` for a
                           length), OP is == != < > or `exists`/`absent`, and
                           VALUE is JSON
  --- body contains        each following line appears in the body
  --- same as [in DIR]: ARGS   the body is exactly the output of
                           `payband --db <the server's database> ARGS` (run in
                           DIR, relative to the project; default the project)
Placeholders: {root}, {token}, {token_file}, {db}, {tmp}.

Every response is also checked against the OpenAPI document the server
serves (tests/http/openapi_check.py) and for the headers every response
must carry. Prints one line per case and a last line
"http: N passed, N failed, N skipped".
"""
import json
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, Server  # noqa: E402
from openapi_check import Spec  # noqa: E402

REQUIRED_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH")


def parse(path):
    cases, case, section = [], None, None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("=== "):
                case = {"name": line[4:].strip(), "where": f"{path}:{lineno}",
                        "server": "--rate-limit 0",
                        "method": None, "path": None, "headers": {}, "body": None,
                        "body_lines": None, "expect": [], "status": None}
                cases.append(case)
                section = None
            elif case is None or (section is None and (line.startswith("#") or not line.strip())):
                continue
            elif line.startswith("--- status "):
                case["status"] = int(line.split()[2])
                section = None
            elif line.startswith("--- header "):
                name, _, value = line[len("--- header "):].partition(": ")
                case["expect"].append(("header", name.lower(), value))
                section = None
            elif line.startswith("--- same as"):
                m = re.match(r"--- same as(?: in (\S+))?: (.*)$", line)
                if not m:
                    raise SystemExit(f"{path}:{lineno}: bad 'same as' line")
                case["expect"].append(("same", m.group(1) or ".", m.group(2)))
                section = None
            elif line.startswith("--- "):
                section = [line[4:].strip(), []]
                case["expect"].append(("section", section))
            elif section is not None and not line.strip():
                section = None  # a blank line ends a section
            elif section is not None:
                section[1].append(line)
            elif line.startswith("server: "):
                case["server"] = line[len("server: "):].strip()
            elif line.split(" ", 1)[0] in METHODS and case["method"] is None:
                case["method"], case["path"] = line.split(" ", 1)
            elif line.startswith("header: "):
                name, _, value = line[len("header: "):].partition(": ")
                case["headers"][name] = value
            elif line.startswith("body-type: "):
                case["headers"]["Content-Type"] = line[len("body-type: "):]
            elif line.startswith("body-file: "):
                with open(os.path.join(ROOT, line[len("body-file: "):]), "rb") as bf:
                    case["body"] = bf.read()
            elif line.startswith("body-offers: "):
                files = line[len("body-offers: "):].split()
                texts = []
                for rel in files:
                    with open(os.path.join(ROOT, rel), encoding="utf-8") as bf:
                        texts.append(bf.read())
                case["body"] = json.dumps({"offers": texts,
                                           "files": [os.path.basename(p) for p in files]}).encode()
                case["headers"].setdefault("Content-Type", "application/json")
            elif line.startswith("< ") or line == "<":
                case["body_lines"] = (case["body_lines"] or []) + [line[2:]]
            else:
                raise SystemExit(f"{path}:{lineno}: unexpected line in case")
    for c in cases:
        if c["method"] is None or c["status"] is None:
            raise SystemExit(f"{c['where']}: a case needs a request and --- status")
    return cases


def lookup(value, path):
    """The value at `[0].a.b[2]`; raises KeyError when absent."""
    for part in re.findall(r"\[(\d+)\]|\.?([^.\[\]]+)", path):
        index, key = part
        if index:
            value = value[int(index)]
        else:
            if not isinstance(value, dict) or key not in value:
                raise KeyError(key)
            value = value[key]
    return value


def check_json(body, lines, server):
    problems = []
    try:
        doc = json.loads(body)
    except ValueError as e:
        return [f"body is not JSON: {e}"]
    for line in lines:
        if not line.strip():
            continue
        m = re.match(r"^(len\()?(\S*?)\)?\s+(==|!=|<|>|exists|absent)\s*(.*)$", line)
        if not m:
            problems.append(f"bad json expectation: {line}")
            continue
        is_len, path, op, want = m.groups()
        try:
            got = lookup(doc, path) if path else doc
        except (KeyError, IndexError, TypeError):
            if op != "absent":
                problems.append(f"{path}: absent")
            continue
        if op == "absent":
            problems.append(f"{path}: present ({json.dumps(got)[:80]})")
            continue
        if op == "exists":
            continue
        if is_len:
            got = len(got)
        want = json.loads(server.substitute(want))
        ok = {"==": got == want, "!=": got != want,
              "<": isinstance(got, (int, float)) and got < want,
              ">": isinstance(got, (int, float)) and got > want}[op]
        if not ok:
            problems.append(f"{line}: got {json.dumps(got)[:200]}")
    return problems


def run_case(case, server, spec, payband):
    body = case["body"]
    if case["body_lines"] is not None:
        body = server.substitute("\n".join(case["body_lines"]) + "\n").encode()
    headers = {k: server.substitute(v) for k, v in case["headers"].items()}
    path = server.substitute(case["path"])
    status, rheaders, data = server.request(case["method"], path, body=body, headers=headers)
    problems = []
    if status != case["status"]:
        problems.append(f"status {status}, expected {case['status']}: {data[:300]!r}")
    for name, value in REQUIRED_HEADERS.items():
        if rheaders.get(name) != value:
            problems.append(f"header {name}: {rheaders.get(name)!r}")
    if "frame-ancestors 'none'" not in rheaders.get("content-security-policy", ""):
        problems.append("no Content-Security-Policy with frame-ancestors 'none'")
    problems += spec.check_response(case["method"], path, status,
                                    rheaders.get("content-type"), data)
    for kind, *rest in case["expect"]:
        if kind == "header":
            name, value = rest
            if rheaders.get(name) != server.substitute(value):
                problems.append(f"header {name}: {rheaders.get(name)!r}, expected {value!r}")
        elif kind == "same":
            where, args = rest
            cmd = [payband, "--db", server.db] + shlex.split(server.substitute(args))
            out = subprocess.run(cmd, cwd=os.path.join(ROOT, where), capture_output=True,
                                 env=server.env, timeout=300)
            if out.stdout != data:
                problems.append(f"body differs from `payband {args}`:\n--- cli\n"
                                f"{out.stdout[:600].decode(errors='replace')}\n--- http\n"
                                f"{data[:600].decode(errors='replace')}")
        elif kind == "section":
            name, lines = rest[0]
            if name == "json":
                problems += check_json(data, lines, server)
            elif name == "body contains":
                text = data.decode(errors="replace")
                problems += [f"body lacks: {l}" for l in lines if server.substitute(l) not in text]
            else:
                problems.append(f"unknown section --- {name}")
    return problems


def main(argv):
    if len(argv) < 3:
        raise SystemExit("usage: run_http.py PAYBAND FILE.cases...")
    payband = os.path.abspath(argv[1])
    cases = [c for path in argv[2:] for c in parse(path)]
    servers, spec = {}, None
    passed = failed = 0
    try:
        for case in cases:
            key = case["server"]
            if key not in servers:
                servers[key] = Server(payband, shlex.split(key)).start()
            server = servers[key]
            if spec is None:
                status, _, data = server.request("GET", "/api/v1/openapi.json")
                doc = json.loads(data)
                with open(os.path.join(ROOT, "server", "openapi.json"), "rb") as f:
                    if json.loads(f.read()) != doc:
                        raise SystemExit("the served OpenAPI document is not server/openapi.json")
                spec = Spec(doc)
            try:
                problems = run_case(case, server, spec, payband)
            except Exception as e:  # a crash of the server shows here
                problems = [f"{type(e).__name__}: {e}"]
            if problems:
                failed += 1
                print(f"FAIL {case['where']}: {case['name']}")
                for p in problems:
                    print("     " + p.replace("\n", "\n     "))
            else:
                passed += 1
                print(f"ok {case['where']}: {case['name']}")
    finally:
        for key, server in servers.items():
            rc = server.stop()
            if rc != 0:
                failed += 1
                print(f"FAIL server '{key}' did not stop cleanly on SIGTERM (exit {rc})")
                print(server.log()[-2000:])
            server.cleanup()
    print(f"http: {passed} passed, {failed} failed, 0 skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
