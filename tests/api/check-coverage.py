#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Completeness of the error-rule suite (test-errors.c, HACKING.md rule 6).

Every public int function of include/vrdma/{core,host,model,apply,binding}.h
must be either provoked to fail in test-errors.c (the first call inside an
ERR(ctx, ...) or ERR_NOCTX(...)) or listed in its exempt[] table with a
known reason.  A new public function (VRDMA_1.1 ...) fails this check until
it gets one or the other.

usage: check-coverage.py INCLUDE_DIR TEST_ERRORS_C
"""
import os
import re
import sys

HEADERS = ("core.h", "host.h", "model.h", "apply.h", "binding.h", "monitor.h")
REASONS = {"direct", "nullonly", "kernel"}


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


def header_int_functions(include_dir):
    names = set()
    for h in HEADERS:
        with open(os.path.join(include_dir, "vrdma", h), encoding="utf-8") as f:
            text = strip_comments(f.read())
        # drop preprocessor lines, then look at each declaration
        text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
        for decl in text.split(";"):
            m = re.match(r"\s*(?:extern\s+)?int\s+(vrdma_\w+)\s*\(", decl.split("{")[-1].split("}")[-1])
            if m:
                names.add(m.group(1))
    return names


def test_tables(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    body = strip_comments(text)
    covered = set(re.findall(r"\bERR\(\s*\w+\s*,\s*(vrdma_\w+)\s*\(", body))
    covered |= set(re.findall(r"\bERR_NOCTX\(\s*(vrdma_\w+)\s*\(", body))
    m = re.search(r"exempt\[\]\[2\][^=]*=\s*\{(.*?)\n\};", body, flags=re.S)
    if not m:
        sys.exit(f"{path}: no exempt[][2] table")
    exempt = {}
    for name, reason in re.findall(r'\{\s*"(vrdma_\w+)"\s*,\s*"(\w+)"\s*\}', m.group(1)):
        if name in exempt:
            sys.exit(f"{path}: {name} is listed twice in exempt[]")
        exempt[name] = reason
    return covered, exempt


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    public = header_int_functions(sys.argv[1])
    covered, exempt = test_tables(sys.argv[2])
    problems = []
    for name in sorted(public - covered - set(exempt)):
        problems.append(f"{name}: public int function neither provoked (ERR/ERR_NOCTX) "
                        "nor in exempt[] (with a reason)")
    for name in sorted(covered & set(exempt)):
        problems.append(f"{name}: both provoked and exempt: drop it from exempt[]")
    for name in sorted(set(exempt) - public):
        problems.append(f"{name}: in exempt[] but not a public int function")
    for name in sorted(covered - public):
        problems.append(f"{name}: provoked but not a public int function")
    for name, reason in sorted(exempt.items()):
        if reason not in REASONS:
            problems.append(f"{name}: unknown exemption reason '{reason}' "
                            f"(one of {', '.join(sorted(REASONS))})")
    for p in problems:
        print(p)
    print(f"public int functions: {len(public)}; covered {len(covered & public)}, "
          f"exempt {len(set(exempt) & public)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
