#!/usr/bin/env python3
"""Writes the man page hunch(1) from the tool's own help text, so the two cannot disagree.

Usage: make_man.py HUNCH OUTPUT.1

NAME and DESCRIPTION come from `hunch --help`; COMMANDS holds `hunch COMMAND --help` of every
subcommand it lists (options, exit status, examples), verbatim.
"""

import re
import subprocess
import sys


def help_text(hunch, *args):
    done = subprocess.run([hunch, *args, "--help"], capture_output=True, text=True, check=True)
    # The usage line names the binary as invoked; the page names it `hunch`.
    return re.sub(r"^Usage: \S*hunch", "Usage: hunch", done.stdout, flags=re.M).rstrip("\n")


def roff_verbatim(text):
    """Text shown as is: no filling, backslashes and leading control characters escaped."""
    lines = [".nf"]
    for line in text.split("\n"):
        line = line.replace("\\", "\\e")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    lines.append(".fi")
    return "\n".join(lines)


def subcommands(main_help):
    names, inside = [], False
    for line in main_help.split("\n"):
        if line.startswith("Subcommands:"):
            inside = True
        elif inside and line.startswith("  "):
            names.append(line.split()[0])
        elif inside:
            break
    return names


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    hunch, output = sys.argv[1], sys.argv[2]
    main_help = help_text(hunch)
    summary = main_help.split("\n", 1)[0].split(":", 1)[-1].strip()
    page = [
        '.TH HUNCH 1 "" "hunch" "User Commands"',
        ".SH NAME",
        "hunch \\- " + summary.replace("-", "\\-"),
        ".SH SYNOPSIS",
        ".B hunch",
        ".I COMMAND",
        "[\\fIOPTIONS\\fR]",
        ".SH DESCRIPTION",
        roff_verbatim(main_help),
        ".SH COMMANDS",
    ]
    names = subcommands(main_help)
    if not names:
        raise SystemExit("make_man.py: no subcommands found in `hunch --help`")
    for name in names:
        page += [f'.SS "hunch {name}"', roff_verbatim(help_text(hunch, name))]
    page += [".SH SEE ALSO", "The documentation in the docs/ directory of the source tree."]
    with open(output, "w") as f:
        f.write("\n".join(page) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
