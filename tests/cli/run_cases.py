#!/usr/bin/env python3
"""Runs payband's data-driven command-line cases.

usage: run_cases.py PAYBAND FILE.cases...

A case file holds cases separated by lines starting with "=== " (the case's
name). In a case:
  $ payband ARGS...        a command, run in the case's own temp directory
                           (or "$ env [-u VAR] [VAR=x] payband ARGS...");
                           several may be given, expectations apply to the last
  $ tty payband ARGS...    the same with standard error on a pseudo-terminal
                           (standard output stays a pipe)
  < LINE                   a line of standard input for the next command
  --- exit N               expected exit status (default 0)
  --- stdout               the exact standard output follows
  --- stdout contains      each following line must appear in standard output
  --- stdout lacks         no following line may appear in standard output
  --- stderr lacks         no following line may appear in standard error
  --- stderr contains      each following line must appear in standard error
  --- stderr              the exact standard error follows
Placeholders: {tmp} the case's directory, {root} the project, {seeds} the
seed documents (../shared/seeds; cases using it are skipped when absent),
{data} the shared third-party data (skipped likewise).
Each case gets a fresh database at {tmp}/payband.db and PAYBAND_TODAY=2026-11-27
unless the environment sets it.
"""
import os
import pty
import shlex
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SEEDS = os.environ.get("PAYBAND_SEEDS", os.path.join(SHARED, "seeds"))
DATA = os.environ.get("PAYBAND_DATA", os.path.join(SHARED, "data"))


def parse(path):
    cases, case, section = [], None, None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("=== "):
                case = {"name": line[4:].strip(), "file": path, "line": lineno,
                        "commands": [], "stdin": [], "exit": 0, "expect": []}
                cases.append(case)
                section = None
            elif case is None or (section is None and (line.startswith("#") or not line.strip())):
                continue
            elif line.startswith("$ "):
                case["commands"].append((line[2:], list(case["stdin"])))
                case["stdin"] = []
                section = None
            elif line.startswith("< "):
                case["stdin"].append(line[2:])
            elif line.startswith("--- exit "):
                case["exit"] = int(line[len("--- exit "):])
                section = None
            elif line.startswith("--- "):
                section = [line[4:].strip(), []]
                case["expect"].append(section)
            elif section is not None:
                section[1].append(line)
            else:
                raise SystemExit(f"{path}:{lineno}: unexpected line in case")
    return cases


def substitute(text, tmp):
    return (text.replace("{tmp}", tmp).replace("{root}", ROOT)
            .replace("{seeds}", SEEDS).replace("{data}", DATA))


def run_on_tty(argv, cwd, env, stdin):
    """Run argv with standard error on a pseudo-terminal; return
    (returncode, stdout bytes, stderr bytes)."""
    master, slave = pty.openpty()
    chunks = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        out, _ = proc.communicate(stdin, timeout=120)
    finally:
        reader.join(timeout=120)
        os.close(master)
    return proc.returncode, out, b"".join(chunks)


def run_case(payband, case):
    needs = " ".join(c for c, _ in case["commands"]) + " ".join(
        "\n".join(lines) for _, lines in case["expect"])
    if "{seeds}" in needs and not os.path.isdir(SEEDS):
        return "skip", f"seed documents not found at {SEEDS}"
    if "{data}" in needs and not os.path.isdir(DATA):
        return "skip", f"shared data not found at {DATA}"
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env["PAYBAND_DB"] = os.path.join(tmp, "payband.db")
        env.setdefault("PAYBAND_TODAY", "2026-11-27")
        env.pop("XDG_DATA_HOME", None)
        env["HOME"] = tmp
        result = None
        for command, stdin in case["commands"]:
            argv = shlex.split(substitute(command, tmp))
            on_tty = bool(argv) and argv[0] == "tty"
            if on_tty:
                argv = argv[1:]
            # "payband ARGS", or "env [-u VAR] [VAR=x] payband ARGS"
            if argv and argv[0] in ("payband", "env") and "payband" in argv:
                argv[argv.index("payband")] = payband
            data = "".join(l + "\n" for l in stdin).encode()
            if on_tty:
                result = run_on_tty(argv, tmp, env, data)
            else:
                r = subprocess.run(argv, cwd=tmp, env=env, capture_output=True, input=data,
                                   timeout=120)
                result = (r.returncode, r.stdout, r.stderr)
        returncode = result[0]
        out = result[1].decode("utf-8", "replace")
        err = result[2].decode("utf-8", "replace")
        problems = []
        if returncode != case["exit"]:
            problems.append(f"exit {returncode}, expected {case['exit']}")
        for kind, lines in case["expect"]:
            lines = [substitute(l, tmp) for l in lines]
            while lines and lines[-1] == "" and kind in ("stdout", "stderr"):
                lines.pop()
            if kind == "stdout":
                if out.rstrip("\n").split("\n") != lines and not (out == "" and lines == []):
                    problems.append("stdout differs:\n--- expected\n" + "\n".join(lines) +
                                    "\n--- got\n" + out)
            elif kind == "stderr":
                if err.rstrip("\n").split("\n") != lines and not (err == "" and lines == []):
                    problems.append("stderr differs:\n--- expected\n" + "\n".join(lines) +
                                    "\n--- got\n" + err)
            elif kind in ("stdout contains", "stderr contains"):
                text = out if kind.startswith("stdout") else err
                for l in lines:
                    if l and l not in text:
                        problems.append(f"{kind.split()[0]} lacks: {l}\n--- got\n{text}")
            elif kind in ("stdout lacks", "stderr lacks"):
                text = out if kind.startswith("stdout") else err
                for l in lines:
                    if l and l in text:
                        problems.append(f"{kind.split()[0]} has: {l}")
            else:
                problems.append(f"unknown expectation '--- {kind}'")
        if problems:
            return "fail", "\n".join(problems) + ("\n--- stderr\n" + err if err else "")
        return "ok", ""


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: run_cases.py PAYBAND FILE.cases...")
    payband = os.path.abspath(sys.argv[1])
    counts = {"ok": 0, "fail": 0, "skip": 0}
    for path in sys.argv[2:]:
        for case in parse(path):
            status, detail = run_case(payband, case)
            counts[status] += 1
            where = f"{case['file']}:{case['line']}: {case['name']}"
            if status == "ok":
                print(f"ok {where}")
            elif status == "skip":
                print(f"skip {where}: {detail}")
            else:
                print(f"FAIL {where}\n{detail}")
    print(f"cli: {counts['ok']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
