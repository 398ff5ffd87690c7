#!/usr/bin/env python3
"""Docs stay in step with the code: every error code has its entry (heading named after the
code, with its number) in docs/errors.md, and every registered command has a heading in
docs/commands.md. Prints PASS/FAIL lines."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def main():
    ok = True
    errors_h = read("include/wireboot/errors.h")
    codes = re.findall(r"X\((WBE_[A-Z0-9_]+), (0x[0-9a-f]+), \"", errors_h)
    errors_md = read("docs/errors.md")
    missing = [n for n, v in codes if not re.search(r"^## %s \(%s\)$" % (n, v), errors_md, re.M)]
    if missing or not codes:
        ok = False
        print("FAIL docs/errors: no '## NAME (0x....)' entry in docs/errors.md for: %s" % ", ".join(missing))
    else:
        print("PASS docs/errors (%d codes documented)" % len(codes))

    commands = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, "src")):
        for f in files:
            if f.endswith(".c"):
                text = read(os.path.relpath(os.path.join(dirpath, f), ROOT))
                commands += re.findall(r"const struct command \w+ = \{\s*\"([^\"]+)\"", text)
    commands_md = read("docs/commands.md")
    missing = [c for c in commands if not re.search(r"^### `%s`" % re.escape(c), commands_md, re.M)]
    if missing or not commands:
        ok = False
        print("FAIL docs/commands: no '### `name`' entry in docs/commands.md for: %s" % ", ".join(missing))
    else:
        print("PASS docs/commands (%d commands documented)" % len(commands))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
