#!/usr/bin/env python3
"""Checks the crate's shape (README "Layout"): no import circle between the files of src/, no source file over 600
lines (its unit-test module not counted), and rust-bert named only under src/train/.

Imports are read as text: every `crate::a::b` and `super::…` path in a file's code (use lines and inline paths, not
comments) is resolved
to the file that defines that module; a file's own child modules are not edges back. Exit status 1 on a violation.

    python3 scripts/check_structure.py
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
LIMIT = 600


def module_of(path):
    """The module path of a source file: src/ner/mod.rs -> ["ner"], src/ner/decode.rs -> ["ner", "decode"]."""
    rel = os.path.relpath(path, ROOT)
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def main():
    files = {}
    problems = []
    for dirpath, _, names in os.walk(ROOT):
        for name in names:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(dirpath, name)
            if os.sep + "bin" in dirpath:
                # The binary is a crate of its own that only uses the library: its size counts, not its imports.
                lines = open(path, encoding="utf-8").read().split("#[cfg(test)]\nmod tests")[0].count("\n")
                if lines > LIMIT:
                    problems.append(f"{path}: {lines} lines without its tests (limit {LIMIT})")
                continue
            files[tuple(module_of(path))] = path
    edges = {m: set() for m in files}
    for mod, path in files.items():
        text = open(path, encoding="utf-8").read()
        code = text.split("#[cfg(test)]\nmod tests")[0]
        lines = code.count("\n")
        if lines > LIMIT:
            problems.append(f"{path}: {lines} lines without its tests (limit {LIMIT})")
        if "rust_bert" in code and mod[:1] != ("train",):
            problems.append(f"{path}: names rust_bert outside src/train/")
        # Comments (doc links included) are not imports.
        code_only = re.sub(r"//[^\n]*", "", code)
        for m in re.finditer(r"\b(crate|super)((?:::\w+)+)", code_only):
            base = [] if m.group(1) == "crate" else list(mod[:-1] if not path.endswith("mod.rs") else mod[:-1])
            if m.group(1) == "super" and path.endswith("mod.rs"):
                base = list(mod[:-1])
            parts = base + m.group(2).strip(":").split("::")
            # The longest prefix that is a file.
            for n in range(len(parts), 0, -1):
                target = tuple(parts[:n])
                if target in files:
                    if target != mod and target[: len(mod)] != mod:
                        edges[mod].add(target)
                    break
    # Circles: a depth-first search for a back edge.
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                problems.append("import circle: " + " -> ".join("::".join(c) or "lib" for c in cycle))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    for p in problems:
        print(p)
    print(f"{len(files)} files, {sum(len(e) for e in edges.values())} imports between them: "
          + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
