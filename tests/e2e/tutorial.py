#!/usr/bin/env python3
"""Runs every `sh` block of docs/tutorial.md, in order, as one shell script, and fails if any
command fails: the tutorial cannot go stale.

Usage: tutorial.py HUNCH_BINARY REPO_ROOT SHARED_DIR

The script runs in a fresh directory with `shared` beside it (a link to SHARED_DIR), as the
tutorial's `../shared/data/...` paths expect, and with the built `hunch` first on PATH, then
/usr/bin (Debian's python3, which has pandas and scikit-learn).
"""
import os
import re
import subprocess
import sys
import tempfile


def main():
    hunch, root, shared = sys.argv[1:4]
    text = open(os.path.join(root, "docs", "tutorial.md"), encoding="utf-8").read()
    blocks = re.findall(r"^```sh\n(.*?)^```$", text, flags=re.S | re.M)
    if len(blocks) < 8:
        sys.exit(f"expected the tutorial's sh blocks, found {len(blocks)}")
    script = "set -euo pipefail\n"
    for i, block in enumerate(blocks, 1):
        script += f"echo '### tutorial block {i}'\n{block}\n"
    with tempfile.TemporaryDirectory(prefix="hunch_tutorial_") as tmp:
        work = os.path.join(tmp, "repo")
        os.mkdir(work)
        os.symlink(os.path.realpath(shared), os.path.join(tmp, "shared"))
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join(
            [os.path.dirname(os.path.realpath(hunch)), "/usr/bin", env.get("PATH", "")])
        done = subprocess.run(["bash", "-c", script], cwd=work, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        print(done.stdout)
        if done.returncode != 0:
            sys.exit(f"the tutorial failed with status {done.returncode} (see the last block above)")
        for expected in ["same metrics from the log as offline", "exit status "]:
            if expected not in done.stdout:
                sys.exit(f"the tutorial's output lacks {expected!r}")
        print(f"all {len(blocks)} blocks of docs/tutorial.md ran")


if __name__ == "__main__":
    main()
