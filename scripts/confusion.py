#!/usr/bin/env python3
"""Errors by type on a span-annotated check (tests/data/news_ner.jsonl, tests/data/nonnews_ner.jsonl).

For each check: runs `nertab extract CHECK -o PRED.jsonl --extractors ner --precision P` (or reads PRED.jsonl
given with --pred) and prints
- a confusion table over the gold mentions, gold type x outcome: the predicted type when a prediction has
  exactly the gold span (the diagonal is correct, off it a type confusion), "boundary" when the best prediction
  only overlaps it, "missed" when no prediction overlaps it;
- spurious predictions per predicted type (no gold mention overlaps them);
- the ORG errors: every gold ORG not found exactly, and every prediction typed ORG that is not a gold ORG span.

usage: scripts/confusion.py [--nertab BIN] [--model DIR] [--precision fp32] CHECK.jsonl [CHECK.jsonl ...]
       scripts/confusion.py --pred PRED.jsonl CHECK.jsonl          (predictions already made)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

TYPES = ["PER", "ORG", "LOC", "MISC"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(args, check):
    fd, out = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    cmd = [args.nertab, "extract", check, "-o", out, "--extractors", "ner", "--precision", args.precision]
    if args.model:
        cmd += ["--model", args.model]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    rows = read_jsonl(out)
    os.unlink(out)
    return rows


def analyse(check, pred_rows):
    docs = {d["id"]: d for d in read_jsonl(check)}
    preds = defaultdict(list)
    for r in pred_rows:
        if r.get("type") not in TYPES:
            continue
        text = docs[r["doc_id"]]["text"]
        if text[r["start"]:r["end"]] != r["text"]:
            sys.exit(f"{check}: {r['doc_id']}: prediction {r['text']!r} at {r['start']}-{r['end']} does not match the text")
        preds[r["doc_id"]].append((r["start"], r["end"], r["type"], r["text"]))
    table = defaultdict(Counter)  # gold type -> outcome -> count
    spurious = Counter()
    org_errors = []
    for did, d in docs.items():
        gold = [(e["start"], e["end"], e["type"], e["text"]) for e in d["entities"]]
        pr = preds.get(did, [])
        for gs, ge, gt, gx in gold:
            exact = [p for p in pr if p[0] == gs and p[1] == ge]
            over = [p for p in pr if p[0] < ge and gs < p[1]]
            if exact:
                outcome, shown = exact[0][2], exact[0][2]
            elif over:
                outcome = "boundary"
                shown = ", ".join(f"{p[3]!r} {p[2]}" for p in over)
            else:
                outcome, shown = "missed", "-"
            table[gt][outcome] += 1
            if gt == "ORG" and outcome != "ORG":
                org_errors.append((did, gx, "ORG", shown))
        for ps, pe, pt, px in pr:
            over = [g for g in gold if g[0] < pe and ps < g[1]]
            if not over:
                spurious[pt] += 1
            if pt == "ORG" and not any(g[0] == ps and g[1] == pe and g[2] == "ORG" for g in gold):
                if not over:
                    org_errors.append((did, px, "-", "ORG (spurious)"))
                elif not any(g[0] == ps and g[1] == pe for g in over):
                    # a boundary error: already listed under its gold mention when that is ORG
                    if any(g[2] != "ORG" for g in over):
                        gold_shown = ", ".join(f"{g[3]!r} {g[2]}" for g in over)
                        org_errors.append((did, px, gold_shown, "ORG (boundary)"))
                else:
                    g = next(g for g in over if g[0] == ps and g[1] == pe)
                    org_errors.append((did, px, g[2], "ORG"))
    return table, spurious, org_errors


def print_report(check, table, spurious, org_errors):
    cols = TYPES + ["boundary", "missed"]
    print(f"## {check}\n")
    print("| gold \\ predicted | " + " | ".join(cols) + " | gold total | exact |")
    print("|---" * (len(cols) + 3) + "|")
    for gt in TYPES:
        row = table[gt]
        total = sum(row.values())
        cells = " | ".join(str(row[c]) for c in cols)
        share = f"{100 * row[gt] / total:.1f}%" if total else "-"
        print(f"| {gt} | {cells} | {total} | {share} |")
    print("| spurious (no gold overlap) | " + " | ".join(str(spurious[t]) for t in TYPES) + " | | | | |")
    print(f"\nORG errors ({len(org_errors)}): text | gold | predicted")
    for did, text, gold, predicted in org_errors:
        print(f"- {did}: {text!r} | {gold} | {predicted}")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checks", nargs="+", help="span-annotated JSONL (id, text, entities)")
    ap.add_argument("--nertab", default="target/release/nertab", help="the nertab binary")
    ap.add_argument("--model", help="model directory (default: nertab's)")
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("--pred", help="read these predictions (extract's JSONL) instead of running nertab; one check only")
    args = ap.parse_args()
    if args.pred and len(args.checks) != 1:
        ap.error("--pred goes with one check")
    for check in args.checks:
        rows = read_jsonl(args.pred) if args.pred else predict(args, check)
        print_report(check, *analyse(check, rows))


if __name__ == "__main__":
    main()
