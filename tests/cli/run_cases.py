#!/usr/bin/env python3
"""Runs payband's data-driven command-line cases.

usage: run_cases.py PAYBAND FILE.cases...

A case file holds cases separated by lines starting with "=== " (the case's
name). In a case:
  $ payband ARGS...        a command, run in the case's own temp directory
                           (or "$ env [-u VAR] [VAR=x] payband ARGS...");
                           several may be given, expectations apply to the last
  < LINE                   a line of standard input for the next command
  --- exit N               expected exit status (default 0)
  --- stdout               the exact standard output follows
  --- stdout contains      each following line must appear in standard output
  --- stdout lacks         no following line may appear in standard output
  --- stderr contains      each following line must appear in standard error
  --- stderr              the exact standard error follows
Placeholders: {tmp} the case's directory, {root} the project, {seeds} the
seed documents (../shared/seeds; cases using it are skipped when absent),
{data} the shared third-party data (skipped likewise).
Each case gets a fresh database at {tmp}/payband.db and PAYBAND_TODAY=2026-11-27
unless the environment sets it.
"""
import os
import shlex
import subprocess
import sys
import tempfile

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
            # "payband ARGS", or "env [-u VAR] [VAR=x] payband ARGS"
            if argv and argv[0] in ("payband", "env") and "payband" in argv:
                argv[argv.index("payband")] = payband
            result = subprocess.run(argv, cwd=tmp, env=env, capture_output=True,
                                    input="".join(l + "\n" for l in stdin).encode(),
                                    timeout=120)
        out = result.stdout.decode("utf-8", "replace")
        err = result.stderr.decode("utf-8", "replace")
        problems = []
        if result.returncode != case["exit"]:
            problems.append(f"exit {result.returncode}, expected {case['exit']}")
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
            elif kind == "stdout lacks":
                for l in lines:
                    if l and l in out:
                        problems.append(f"stdout has: {l}")
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
