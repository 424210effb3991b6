#!/usr/bin/env python3
"""Runs payband's data-driven command-line cases.

usage: run_cases.py [--jobs N] [--compare-backends | --record FILE | --compare FILE]
                    PAYBAND FILE.cases...

Cases run N at a time (default 2), each in its own directory and databases;
they are reported in the files' order.

A case file holds cases separated by lines starting with "=== " (the case's
name). In a case:
  $ payband ARGS...        a command, run in the case's own temp directory
                           (or "$ env [-u VAR] [VAR=x] payband ARGS...");
                           several may be given, expectations apply to the last
  $ tty payband ARGS...    the same with standard error on a pseudo-terminal
                           (standard output stays a pipe)
  $ payband ARGS > NAME    standard output written to the file NAME in the
                           case's directory (expectations then see none)
  < LINE                   a line of standard input for the next command
  --- exit N               expected exit status (default 0)
  --- stdout               the exact standard output follows
  --- stdout contains      each following line must appear in standard output
  --- stdout lacks         no following line may appear in standard output
  --- stderr lacks         no following line may appear in standard error
  --- stderr contains      each following line must appear in standard error
  --- stderr              the exact standard error follows
  --- stdout is FILE       standard output is the file's content, byte for byte
  --- README examples run as written
                           every `build/payband ...` line of README.md's
                           indented examples (continuation lines joined) runs
                           in order from the project root, by bash, on one
                           fresh database and HOME, and exits 0, or with the
                           status its comment names ("exit status 1"); those
                           naming ../shared are skipped when it is absent
  --- sqlite only: REASON  the case is skipped on PostgreSQL, saying why
  --- every command's help names its options
                           for each command of the table in cli/commands.c,
                           `payband CMD --help` exits 0 and names every long
                           option of the getopt table the row gives (read from
                           the C source), lists no option the table lacks, and
                           gives an example and a page to read
Placeholders: {tmp} the case's directory, {root} the project, {seeds} the
seed documents (../shared/seeds; cases using it are skipped when absent),
{data} the shared third-party data (skipped likewise).
Each case gets a fresh database at {tmp}/payband.db and PAYBAND_TODAY=2026-11-27
unless the environment sets it.

PostgreSQL: when PAYBAND_TEST_PG holds a cluster's URI (tests/pgdb.py), each
case gets a fresh PostgreSQL database as PAYBAND_DB instead, and every
`{tmp}/NAME.db` of the case (a database directly in the case's directory,
as --db names it) stands for a fresh database of its own: its URI replaces
the placeholder in commands and expectations alike, so that the same
expectations hold on both backends. Paths deeper down ({tmp}/missing/x.db)
stay SQLite paths: they test the path rules.

--compare-backends (needs PAYBAND_TEST_PG) runs every case once on SQLite
and once on PostgreSQL and compares, command by command, the exit status and
the standard output (the case's directory and databases written back as
their placeholders, wall-clock times masked): identical output from both backends, including the
commands whose output the case's expectations check only in part or not at
all. Its last line is "backends: N passed, N failed, N skipped".
--record FILE writes what --compare-backends compares (each command's exit
status and output, per case) to FILE, with the tool's checksum; --compare
FILE fails each case whose commands exit or print otherwise than FILE
records. scripts/run-tests records the SQLite half's and compares the
PostgreSQL half's with it, so that identity costs no third run.
"""
import os
import hashlib
import json
import pty
import re
import shlex
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import pgdb  # noqa: E402  tests/pgdb.py

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
            elif line.startswith("--- sqlite only:"):
                case["sqlite_only"] = line[len("--- sqlite only:"):].strip()
                section = None
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


def command_options():
    """{command: [long options]} from the command table (cli/commands.c) and
    the getopt tables it names (cli/*.c)."""
    cli = os.path.join(ROOT, "cli")
    sources = ""
    for name in sorted(os.listdir(cli)):
        if name.endswith(".c"):
            with open(os.path.join(cli, name), encoding="utf-8") as f:
                sources += f.read() + "\n"
    with open(os.path.join(cli, "commands.c"), encoding="utf-8") as f:
        table = f.read()
    tables = {}
    for m in re.finditer(r"const struct option (\w+)\[\] = \{(.*?)\n\};", sources, re.S):
        tables[m.group(1)] = re.findall(r'\{\s*"([^"]+)"\s*,\s*(?:no|required|optional)_argument',
                                        m.group(2))
    commands = {}
    for row in table.split("{.name = ")[1:]:
        name = re.match(r'"([^"]+)"', row).group(1)
        options = re.search(r"\.options = (\w+)", row)
        if not options or options.group(1) not in tables:
            raise SystemExit(f"cli/commands.c: command '{name}' names no getopt table found in cli/")
        commands[name] = tables[options.group(1)]
    return commands


def check_help(payband, env, cwd):
    problems = []
    commands = command_options()
    if len(commands) < 10:
        problems.append(f"only {len(commands)} commands read from cli/commands.c")
    for command, options in commands.items():
        r = subprocess.run([payband, command, "--help"], cwd=cwd, env=env, capture_output=True,
                           timeout=60)
        text = r.stdout.decode("utf-8", "replace")
        if r.returncode != 0:
            problems.append(f"{command} --help: exit {r.returncode}")
        listed = set(re.findall(r"^  (--[a-z][a-z-]*)", text, re.M))
        for option in options:
            if f"--{option}" not in listed:
                problems.append(f"{command} --help does not name --{option}")
        for option in sorted(listed - {f"--{o}" for o in options}):
            problems.append(f"{command} --help names {option}, which {command} does not take")
        if "\nexample:\n  payband " not in text:
            problems.append(f"{command} --help gives no example")
        if "\nread more: " not in text:
            problems.append(f"{command} --help names no page to read")
    return problems


def readme_examples():
    """[(line number, command, expected exit)] of README.md's examples."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    examples, i = [], 0
    while i < len(lines):
        start = i
        line = lines[i]
        if line.startswith("    build/payband "):
            command = line.strip()
            while command.endswith("\\") and i + 1 < len(lines):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            comment = ""
            if "  #" in command:
                command, comment = command.split("  #", 1)
            status = re.search(r"exit status (\d)", comment)
            examples.append((start + 1, command.strip(), int(status.group(1)) if status else 0))
        i += 1
    return examples


def check_readme(payband, env, tmp):
    problems = []
    examples = readme_examples()
    if len(examples) < 8:
        problems.append(f"only {len(examples)} examples read from README.md")
    shared = os.path.isdir(SHARED)
    for line, command, status in examples:
        if "../shared" in command and not shared:
            print(f"  README.md:{line}: skipped, {SHARED} is absent: {command}")
            continue
        script = "cd " + shlex.quote(ROOT) + " && " + command.replace(
            "build/payband", shlex.quote(payband), 1)
        r = subprocess.run(["bash", "-c", script], cwd=tmp, env=env, capture_output=True,
                           timeout=600)
        if r.returncode != status:
            problems.append(f"README.md:{line}: exit {r.returncode}, expected {status}: "
                            f"{command}\n" + r.stderr.decode("utf-8", "replace"))
        elif not r.stdout:
            problems.append(f"README.md:{line}: printed nothing: {command}")
    return problems


# When a command ran (imported_at), not what it says: left out of the
# comparison of the backends.
WALL_CLOCK = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\b")

# {tmp}/NAME.db: a database directly in the case's directory
DATABASE = re.compile(r"\{tmp\}/([A-Za-z0-9_-]+)\.db\b")


def substitute(text, tmp, databases=None):
    if databases:
        text = DATABASE.sub(lambda m: databases.get(m.group(1), m.group(0)), text)
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


# Drops of the last cases' databases, left to finish while the next runs.
DROPS = []
DROPS_LOCK = threading.Lock()
# cases run at once (each in its own directory and databases)
JOBS = 2
# seconds one command of a case may take before the case fails
COMMAND_TIMEOUT = 120


def make_databases(case, needs):
    """{NAME: URI}: a fresh PostgreSQL database for PAYBAND_DB ("payband")
    and for each {tmp}/NAME.db the case names."""
    names = {"payband"} | set(DATABASE.findall(needs))
    return {name: pgdb.create("cli_" + name) for name in sorted(names)}


def drop_databases(databases):
    with DROPS_LOCK:
        for uri in databases.values():
            DROPS.append(pgdb.drop_later(uri))
        done, DROPS[:] = DROPS[:-8], DROPS[-8:]
    for p in done:
        p.wait()


def run_case(payband, case, pg=None, record=None):
    """Run one case: ("ok" | "fail" | "skip", detail). `pg`: on PostgreSQL
    (default: when PAYBAND_TEST_PG is set). `record`, a list, receives
    (command, exit status, standard output) of each command, the case's
    directory and databases written back as placeholders."""
    if pg is None:
        pg = pgdb.enabled()
    needs = " ".join(c for c, _ in case["commands"]) + " ".join(
        "\n".join(lines) for _, lines in case["expect"])
    if "{seeds}" in needs and not os.path.isdir(SEEDS):
        return "skip", f"seed documents not found at {SEEDS}"
    if "{data}" in needs and not os.path.isdir(DATA):
        return "skip", f"shared data not found at {DATA}"
    if pg and case.get("sqlite_only"):
        return "skip", "SQLite only: " + case["sqlite_only"]
    databases = make_databases(case, needs) if pg else None
    try:
        return run_case_in(payband, case, databases, record)
    finally:
        if databases:
            drop_databases(databases)


def run_case_in(payband, case, databases, record):
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env["PAYBAND_DB"] = databases["payband"] if databases else os.path.join(tmp, "payband.db")
        env.setdefault("PAYBAND_TODAY", "2026-11-27")
        env.pop("XDG_DATA_HOME", None)
        env["HOME"] = tmp
        result = None
        for command, stdin in case["commands"]:
            argv = shlex.split(substitute(command, tmp, databases))
            into = None
            if len(argv) >= 2 and argv[-2] == ">":
                into = os.path.join(tmp, argv[-1])
                argv = argv[:-2]
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
                try:
                    r = subprocess.run(argv, cwd=tmp, env=env, capture_output=True, input=data,
                                       timeout=COMMAND_TIMEOUT)
                except subprocess.TimeoutExpired:
                    # the case fails; the others still run
                    return "fail", f"{command}: still running after {COMMAND_TIMEOUT} s, killed"
                result = (r.returncode, r.stdout, r.stderr)
            if record is not None:
                text = result[1].decode("utf-8", "replace")
                for name, uri in (databases or {}).items():
                    text = text.replace(uri, "{tmp}/%s.db" % name)
                text = WALL_CLOCK.sub("{time}", text.replace(tmp, "{tmp}"))
                record.append((command, result[0], text))
            if into:
                with open(into, "wb") as f:
                    f.write(result[1])
                result = (result[0], b"", result[2])
        if result is None:  # a case of expectations only
            result = (0, b"", b"")
        returncode = result[0]
        out = result[1].decode("utf-8", "replace")
        err = result[2].decode("utf-8", "replace")
        problems = []
        if returncode != case["exit"]:
            problems.append(f"exit {returncode}, expected {case['exit']}")
        for kind, lines in case["expect"]:
            lines = [substitute(l, tmp, databases) for l in lines]
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
            elif kind.startswith("stdout is "):
                path = substitute(kind[len("stdout is "):], tmp, databases)
                with open(path, "rb") as f:
                    want = f.read()
                if result[1] != want:
                    problems.append(f"stdout is not {path} (regenerate it: see the file's "
                                    "first lines)")
            elif kind == "README examples run as written":
                problems.extend(check_readme(payband, env, tmp))
            elif kind == "every command's help names its options":
                problems.extend(check_help(payband, env, tmp))
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


def compare_backends(payband, case):
    """Run `case` on SQLite and on PostgreSQL: ("ok" | "fail" | "skip",
    detail) as to whether every command exits and prints alike."""
    if case.get("sqlite_only"):
        return "skip", "SQLite only: " + case["sqlite_only"]
    runs = {}
    for backend, pg in (("sqlite", False), ("postgresql", True)):
        record = []
        status, detail = run_case(payband, case, pg=pg, record=record)
        if status == "skip":
            return status, detail
        runs[backend] = record
    problems = differ(runs["sqlite"], runs["postgresql"])
    if problems:
        return "fail", "\n".join(problems)
    return "ok", ""


def differ(lite, post, other="PostgreSQL"):
    """What differs between two records of one case's commands."""
    problems = []
    for a, b in zip(lite, post):
        if a[1] != b[1]:
            problems.append(f"$ {a[0]}\n  exit {a[1]} on SQLite, {b[1]} on {other}")
        if a[2] != b[2]:
            problems.append(f"$ {a[0]}\n--- SQLite\n{a[2]}--- {other}\n{b[2]}")
    if len(lite) != len(post):
        problems.append(f"SQLite ran {len(lite)} commands, {other} {len(post)}")
    return problems


def checksum(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    args = sys.argv[1:]
    record_to = compare_to = None
    jobs = JOBS
    if len(args) > 1 and args[0] == "--jobs":
        jobs = max(1, int(args[1]))
        args = args[2:]
    if len(args) > 1 and args[0] in ("--record", "--compare"):
        if args[0] == "--record":
            record_to = args[1]
        else:
            compare_to = args[1]
        args = args[2:]
    compare = bool(args) and args[0] == "--compare-backends"
    if compare:
        args = args[1:]
        if not pgdb.enabled():
            raise SystemExit("run_cases.py --compare-backends: PAYBAND_TEST_PG is not set "
                             "(start a cluster with scripts/pg-cluster)")
    if len(args) < 2:
        raise SystemExit("usage: run_cases.py [--jobs N] [--compare-backends | --record FILE | --compare FILE] "
                         "PAYBAND FILE.cases...")
    payband = os.path.abspath(args[0])
    counts = {"ok": 0, "fail": 0, "skip": 0}
    records, recorded = {}, None
    if compare_to:
        try:
            with open(compare_to, encoding="utf-8") as f:
                recorded = json.load(f)
        except (OSError, ValueError) as e:
            raise SystemExit(f"run_cases.py: cannot read the SQLite half's outputs {compare_to}: "
                             f"{e} (run the SQLite half first: make test)")
        if recorded.get("payband") != checksum(payband):
            raise SystemExit(f"run_cases.py: {compare_to} records another build of {payband} "
                             "(run the SQLite half again: make test)")
    def run(case):
        record = []
        try:
            if compare:
                status, detail = compare_backends(payband, case)
            else:
                status, detail = run_case(payband, case, record=record)
        except pgdb.Error as e:
            status, detail = "fail", f"PostgreSQL: {e}"
        return status, detail, record

    cases = [case for path in args[1:] for case in parse(path)]
    # JOBS cases at a time; results are reported in the files' order
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for case, (status, detail, record) in zip(cases, pool.map(run, cases)):
            key = f"{case['file']}:{case['line']}: {case['name']}"
            if status != "skip":
                records[key] = record
            if recorded is not None and status != "skip":
                lite = recorded["cases"].get(key)
                if lite is None:
                    problems = [f"{compare_to} has no SQLite record of this case"]
                else:
                    problems = differ([tuple(r) for r in lite], record, pgdb.backend())
                if problems:
                    status = "fail"
                    detail = ((detail + "\n") if detail else "") + \
                        "output differs from SQLite's:\n" + "\n".join(problems)
            counts[status] += 1
            if status == "ok":
                print(f"ok {key}")
            elif status == "skip":
                print(f"skip {key}: {detail}")
            else:
                print(f"FAIL {key}\n{detail}")
            sys.stdout.flush()
    for p in DROPS:
        p.wait()
    if record_to:
        with open(record_to, "w", encoding="utf-8") as f:
            json.dump({"payband": checksum(payband), "backend": pgdb.backend(),
                       "cases": records}, f, indent=0)
    print(f"{'backends' if compare else 'cli'}: {counts['ok']} passed, {counts['fail']} failed, "
          f"{counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
