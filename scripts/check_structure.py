#!/usr/bin/env python3
"""Checks the workspace's shape (docs/development.md "Layout"):

- no import circle between the source files of the three crates;
- no import runs upward: every top-level module has a layer (LAYERS below) and may import only its own files and
  modules of lower layers. So the model layer knows nothing of NER or documents' tables, inference never imports
  training, and the core crate never names the model crate (Cargo forbids that too, but the rule says why);
- no source file over 600 lines (its unit-test module not counted);
- rust-bert named only in the model crate's `train/`.

Imports are read as text: every `crate::a::b`, `super::…`, `nertab_core::…` and `nertab_model::…` path in a file's
code (use lines and inline paths, not comments) is resolved to the file that defines that module; a file's own
child modules are not edges back. Exit status 1 on a violation.

    python3 scripts/check_structure.py
"""
import os
import re
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
# Crate name (as code names it) -> its src directory.
CRATES = {
    "nertab_core": os.path.join(HERE, "crates", "nertab-core", "src"),
    "nertab_model": os.path.join(HERE, "crates", "nertab-model", "src"),
    "nertab": os.path.join(HERE, "src"),
}
# The layer of each top-level module, bottom first: a module imports only lower layers (or itself).
LAYERS = {
    ("nertab_core", "casing"): 0,
    ("nertab_core", "text"): 0,
    ("nertab_core", "tokenize"): 0,
    ("nertab_core", "amounts"): 1,
    ("nertab_core", "corpus"): 1,
    ("nertab_core", "extract"): 2,
    ("nertab_core", "output"): 2,
    ("nertab_core", "pipeline"): 3,
    ("nertab_core", ""): 4,  # lib.rs
    ("nertab_model", "model"): 5,  # the model layer: nothing about documents
    ("nertab_model", "ner"): 6,  # inference
    ("nertab_model", "conll"): 7,  # training and evaluation, beside inference
    ("nertab_model", "eval"): 8,
    ("nertab_model", "train"): 9,  # trains through eval's scores
    ("nertab_model", ""): 10,
    ("nertab", "extract"): 11,  # the registry of every extractor
    ("nertab", ""): 12,
}
LIMIT = 600


def module_of(root, path):
    """The module path of a source file: src/ner/mod.rs -> ["ner"], src/ner/decode.rs -> ["ner", "decode"]."""
    parts = os.path.relpath(path, root)[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts


def layer(mod):
    crate, parts = mod[0], mod[1:]
    return LAYERS.get((crate, parts[0] if parts else ""))


def without_tests(text):
    return text.split("#[cfg(test)]\nmod tests")[0]


def main():
    files, problems = {}, []
    for crate, root in CRATES.items():
        for dirpath, _, names in os.walk(root):
            for name in names:
                if not name.endswith(".rs"):
                    continue
                path = os.path.join(dirpath, name)
                lines = without_tests(open(path, encoding="utf-8").read()).count("\n")
                if lines > LIMIT:
                    problems.append(f"{path}: {lines} lines without its tests (limit {LIMIT})")
                if os.sep + "bin" in dirpath:
                    # The binary is a crate of its own that only uses the library: its size counts, not its imports.
                    continue
                mod = (crate, *module_of(root, path))
                files[mod] = path
                if layer(mod) is None:
                    problems.append(f"{path}: module {'::'.join(mod)} has no layer in check_structure.py")
    edges = {m: set() for m in files}
    for mod, path in files.items():
        code = without_tests(open(path, encoding="utf-8").read())
        if "rust_bert" in code and mod[:2] != ("nertab_model", "train"):
            problems.append(f"{path}: names rust_bert outside the model crate's train/")
        # Comments (doc links included) are not imports.
        code_only = re.sub(r"//[^\n]*", "", code)
        for m in re.finditer(r"\b(crate|super|nertab_core|nertab_model)((?:::\w+)+)", code_only):
            head = m.group(1)
            if head == "crate":
                base = [mod[0]]
            elif head == "super":
                base = list(mod[:-1]) if not path.endswith("mod.rs") else list(mod[:-1])
            else:
                base = [head]
            parts = base + m.group(2).strip(":").split("::")
            for n in range(len(parts), 0, -1):  # the longest prefix that is a file
                target = tuple(parts[:n])
                if target in files:
                    if target != mod and target[: len(mod)] != mod:
                        edges[mod].add(target)
                    break
    for mod, targets in sorted(edges.items()):
        for t in sorted(targets):
            same_top = mod[:2] == t[:2] and len(mod) > 1 and len(t) > 1
            if not same_top and layer(t) is not None and layer(mod) is not None and layer(t) >= layer(mod):
                problems.append(f"{files[mod]}: imports {'::'.join(t)}, which is not below it (layer {layer(t)} "
                                f">= {layer(mod)})")
    # Circles: a depth-first search for a back edge.
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                cycle = stack[stack.index(t):] + [t]
                problems.append("import circle: " + " -> ".join("::".join(c) for c in cycle))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    for p in problems:
        print(p)
    print(f"{len(files)} files in {len(CRATES)} crates, {sum(len(e) for e in edges.values())} imports between them: "
          + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
