#!/usr/bin/env python3
"""Golden tests of hunch on bad input: tests/bad-input/*.t.

Each .t file is a transcript. A case is a command line starting with "$ ", the output it must print
(stdout and stderr together), and its exit status in brackets:

    # A comment says what the case is about.
    $ hunch check tests/bad-input/yaml/tab_indent.yaml
    tests/bad-input/yaml/tab_indent.yaml:3:1: error: ...
    [exit 1]

Commands run with sh from the repository root, with the hunch under test first on PATH and
$GEN naming a scratch directory where generate.py has written the inputs too big to commit (huge
lines, thousands of rules, deep nesting). Output naming $GEN is compared with the name "$GEN".

Every case must exit non-zero unless it is marked "# accepted:" (hostile input that is valid,
such as a slow-looking regex, kept to show it is handled), and its output must locate the error:
"FILE:LINE:COL: error:", "FILE:LINE: error:", or, for problems of a whole file, "FILE: error:"
(hunch predict's error records {"line": N, "error": ...} count as "FILE:LINE").

    run_cases.py HUNCH_BINARY                  check every case
    HUNCH_UPDATE_GOLDEN=1 run_cases.py HUNCH   rewrite the outputs and exit statuses in place
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LOCATED = re.compile(rb"^\S[^\n]*?:(\d+:(\d+:)?)? error: ", re.M)
# hunch predict writes an error record in place of a bad input line: {"line":N,"error":"..."}.
LOCATED_RECORD = re.compile(rb'^\{"line":\d+,"error":', re.M)
TIMEOUT_SECONDS = 120


class Case:
    def __init__(self, path, line, comments, command, output, status):
        self.path, self.line, self.comments = path, line, comments
        self.command, self.output, self.status = command, output, status

    @property
    def accepted(self):
        return any(c.startswith(b"# accepted:") for c in self.comments)


def parse(path):
    """The cases of one .t file, and the lines after the last one (kept on update)."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    cases, pending, i = [], [], 0
    while i < len(lines):
        if not lines[i].startswith(b"$ "):
            pending.append(lines[i])
            i += 1
            continue
        start, command, output, status = i + 1, lines[i][2:].decode(), [], None
        i += 1
        while i < len(lines) and status is None:
            m = re.fullmatch(rb"\[exit (\d+)\]", lines[i])
            if m:
                status = int(m.group(1))
            else:
                output.append(lines[i])
            i += 1
        if status is None:
            sys.exit(f"{path}:{start}: the case has no [exit N] line")
        cases.append(Case(path, start, pending, command, output, status))
        pending = []
    return cases, pending


def run(case, env, gen):
    proc = subprocess.run(["sh", "-c", "{ " + case.command + "\n} 2>&1"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, timeout=TIMEOUT_SECONDS)
    out = proc.stdout.replace(gen.encode(), b"$GEN")
    lines = out.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines, proc.returncode


def write(path, cases, trailing):
    with open(path, "wb") as f:
        for case in cases:
            for c in case.comments:
                f.write(c + b"\n")
            f.write(b"$ " + case.command.encode() + b"\n")
            for line in case.output:
                f.write(line + b"\n")
            f.write(b"[exit %d]\n" % case.status)
        for c in trailing:
            f.write(c + b"\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    updating = os.environ.get("HUNCH_UPDATE_GOLDEN") == "1"
    gen = tempfile.mkdtemp(prefix="hunch-bad-input-")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), gen], check=True)
        bindir = os.path.join(gen, "bin")
        os.mkdir(bindir)
        os.symlink(binary, os.path.join(bindir, "hunch"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], GEN=gen,
                   LC_ALL="C.UTF-8", NO_COLOR="1")
        failures, total, located = [], 0, {"line:col": 0, "line": 0, "file": 0}
        for name in sorted(os.listdir(HERE)):
            if not name.endswith(".t"):
                continue
            path = os.path.join(HERE, name)
            cases, trailing = parse(path)
            for case in cases:
                total += 1
                where = f"{os.path.relpath(path, ROOT)}:{case.line}: $ {case.command}"
                try:
                    output, status = run(case, env, gen)
                except subprocess.TimeoutExpired:
                    failures.append(f"{where}\n  timed out after {TIMEOUT_SECONDS} s")
                    continue
                if status < 0 or status > 3:
                    failures.append(f"{where}\n  exit status {status}: a crash, never a golden")
                text = b"\n".join(output)
                if not case.accepted:
                    m = LOCATED.search(text)
                    if status == 0:
                        failures.append(f"{where}\n  exits 0 on bad input")
                    elif m is None and LOCATED_RECORD.search(text):
                        located["line"] += 1
                    elif m is None:
                        failures.append(f"{where}\n  no located error in:\n{text.decode(errors='replace')}")
                    else:
                        located["line:col" if m.group(2) else "line" if m.group(1) else "file"] += 1
                if updating:
                    case.output, case.status = output, status
                    continue
                if (output, status) != (case.output, case.status):
                    want = b"\n".join(case.output).decode(errors="replace")
                    failures.append(f"{where}\n  expected [exit {case.status}]:\n{want}\n"
                                    f"  got [exit {status}]:\n{text.decode(errors='replace')}")
            if updating:
                write(path, cases, trailing)
        for f in failures:
            print("FAIL", f, file=sys.stderr)
        print(f"{total} bad-input cases, {len(failures)} failing; errors located at "
              f"line:col {located['line:col']}, line {located['line']}, "
              f"whole file {located['file']}")
        if total < 200:
            print(f"expected at least 200 cases, found {total}", file=sys.stderr)
            return 1
        return 1 if failures else 0
    finally:
        shutil.rmtree(gen, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
