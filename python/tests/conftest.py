"""Shared fixtures: the CLI built beside the module, the public datasets, the example rule files."""

import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("HUNCH_SHARED_DIR", ROOT.parent / "shared"))
HUNCH = os.environ.get("HUNCH_BINARY", str(ROOT / "build" / "hunch"))


def example_datasets():
    """(name, rules, data) for every example, read from examples/CMakeLists.txt, which maps each
    example's rule file to its dataset."""
    text = (ROOT / "examples" / "CMakeLists.txt").read_text()
    block = re.search(r"set\(HUNCH_EXAMPLE_DATA(.*?)\)", text, re.S).group(1)
    out = []
    for name, where, rest in re.findall(r"(\w+)=\$\{(\w+)\}/(\S+)", block):
        base = SHARED / "data" if where == "HUNCH_SHARED_DATA" else ROOT / "examples"
        out.append((name, ROOT / "examples" / name / "rules.yaml", base / rest))
    assert len(out) >= 7, f"examples/CMakeLists.txt lists {len(out)} datasets"
    return out


def run_cli(*args, check=True):
    done = subprocess.run([HUNCH, *map(str, args)], capture_output=True, encoding="utf-8",
                          errors="replace")
    if check and done.returncode != 0:
        raise AssertionError(f"hunch {' '.join(map(str, args))} exited {done.returncode}:\n"
                             f"{done.stderr}")
    return done


@pytest.fixture(scope="session")
def shared():
    return SHARED
