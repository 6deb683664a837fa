#!/usr/bin/env python3
"""Inference-side rules on nertab's entity predictions, scored on a check (issue #30); no training.

Reads the entities `nertab extract CHECK.jsonl -o PRED.jsonl --extractors ner` wrote, applies one or more variants
and scores exact span + type F1, overall and per type, as `nertab eval --news` counts it (a prediction is correct
when a gold entity has the same start, end and type). Variant `none` is the model's own output.

Variants (combine with `+`, applied left to right, e.g. `suffix+doc`):
- `doc`:      one type per name per document: mentions with identical text get the type with the highest summed
              score over the document's mentions of that text;
- `doc67`:    the same, but only when that type holds at least 2/3 of the text's score mass;
- `suffix`:   a predicted LOC, PER or MISC span whose last word is an organization word (ORG_WORDS) becomes ORG;
- `suffix_strict`: the same with ORG_WORDS_STRICT only (the unambiguous corporate and institutional words);
- `trim`:     lowercase words at a span's edges (not name particles: bin, de, van ...) are cut off the span, its
              type kept; a span whose letters are all lowercase (euro; digits alone stay) is dropped;
- `trim_hyphen`: `trim`, and lowercase hyphen affixes (Saudi-born, anti-Sandinista, Murray-skippered; not al-) are
              cut too. The checks annotate only the name inside a hyphen compound (tests/data/README.md); CoNLL-2003
              tags the whole token (Vienna-based MISC), so in CoNLL mode the affixes cannot be cut: the mentions it
              would cut are counted on stderr instead.

Both word lists were written from the CoNLL-2003 guidelines and general knowledge before any check's errors were
looked at, and committed before any score (git log of this file); they are not tuned on the checks.

CoNLL mode (`--conll P.txt`): reads `nertab eval --conll valid.txt --write-predictions P.txt` (`word gold predicted`
lines) with --docs valid.txt (documents start at its -DOCSTART- lines; the predictions file has none), applies the same variants on the predicted token spans (a mention's text is
its words joined by spaces; there are no scores, so `doc` weighs each mention 1) and writes `word gold predicted`
lines for `conlleval` to FILE.

usage: scripts/post_rules.py CHECK.jsonl PRED.jsonl [--variants none,doc,suffix,...]
       scripts/post_rules.py --conll P.txt --variant suffix -o P2.txt
"""
import argparse
import json
import re
import sys
from collections import Counter, defaultdict

TYPES = ["LOC", "MISC", "ORG", "PER"]

# Organization words: the last word of a name that makes it an organization (CoNLL-2003 guidelines: companies,
# institutions, political parties, clubs and teams, government bodies, unions, international organisations).
# Unambiguous ones: a name ending in one of these is an organization whatever else it contains.
ORG_WORDS_STRICT = {
    # companies
    "Inc", "Ltd", "Corp", "Co", "LLC", "LLP", "PLC", "Plc", "plc", "AG", "GmbH", "SA", "NV", "BV", "SpA", "AB", "ASA",
    "Company", "Corporation", "Incorporated", "Limited", "Group", "Holdings", "Holding", "Industries", "Enterprises",
    "Bancorp", "Airlines", "Airways", "Motors", "Technologies", "Partners",
    # finance
    "Bank", "Fund",
    # education and research
    "University", "College", "Institute", "Academy",
    # politics, government and public bodies
    "Party", "Council", "Committee", "Commission", "Ministry", "Department", "Agency", "Bureau", "Parliament",
    "Senate", "Congress", "Assembly", "Cabinet",
    # associations and international bodies
    "Association", "Federation", "Foundation", "Organization", "Organisation", "Society", "Alliance", "Coalition",
    "Confederation", "Pact",
    # sport
    "Club", "FC", "AFC",
}
# Broader: words that usually end an organization's name but also end some places or events (the Soviet Union is a
# place in CoNLL; "United" ends a few country names in other languages; Fort/Board/Trust rarely end a place).
ORG_WORDS = ORG_WORDS_STRICT | {
    "Union", "League", "United", "Authority", "Board", "Trust", "Service", "Services", "Police", "Army", "Navy",
    "Front", "Movement", "Court", "Times", "Post", "Press", "Journal", "Herald", "Tribune", "Gazette",
    "Rovers", "Wanderers", "Athletic", "Athletico", "Rangers", "Albion", "Hotspur", "Orchestra", "Ensemble",
}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- the rules: on a document's mentions, each a dict with start, end, text, type, score -------------------------


def last_word(text):
    words = text.split()
    return words[-1].rstrip(".,") if words else ""


def is_org_word(word, words):
    if word in words:
        return True
    # an all-caps headline word (BANK, UNIVERSITY) counts as its Title Case form
    return word.isupper() and len(word) > 3 and word.title() in words


def rule_suffix(mentions, words):
    for m in mentions:
        if m["type"] in ("LOC", "PER", "MISC") and is_org_word(last_word(m["text"]), words):
            m["type"] = "ORG"


def rule_doc(mentions, share):
    mentions = [m for m in mentions if m["type"] is not None]
    mass = defaultdict(Counter)  # text -> type -> summed score
    for m in mentions:
        mass[m["text"]][m["type"]] += m["score"] if m["score"] is not None else 1.0
    for m in mentions:
        by_type = mass[m["text"]]
        ranked = sorted(by_type.items(), key=lambda kv: -kv[1])
        best, top = ranked[0]
        # a tie (equal counts in CoNLL mode, where there are no scores) decides nothing
        if (len(ranked) == 1 or ranked[1][1] < top) and top >= share * sum(by_type.values()):
            m["type"] = best


# Lowercase words that belong to names (bin Laden, de Gaulle, van Gogh, CoNLL's McDonald 's): never trimmed from a
# span's edge.
PARTICLES = {
    "al", "bin", "ibn", "bint", "da", "das", "de", "del", "della", "der", "den", "di", "do", "dos", "du", "el", "la",
    "le", "les", "ter", "ten", "van", "von", "y", "zu", "'s", "'",
}


def trim_words(words, hyphens):
    """The kept part of a span given as (start, end, word) triples: lowercase words at either edge (not name
    particles) are cut off, and with `hyphens` a lowercase hyphen affix of an edge word too (Saudi-born -> Saudi,
    anti-Sandinista -> Sandinista); None when the letters left are all lowercase (a span of digits stays)."""
    words = [list(w) for w in words]
    while words and words[0][2].islower() and words[0][2] not in PARTICLES:
        words.pop(0)
    while words and words[-1][2].islower() and words[-1][2] not in PARTICLES:
        words.pop()
    if hyphens and words:
        head, _, rest = words[0][2].partition("-")
        if rest and head.islower() and head not in PARTICLES and not rest.islower():
            words[0][0] += len(head) + 1
            words[0][2] = rest
        tail_start, _, tail = words[-1][2].rpartition("-")
        if tail_start and tail.islower() and not tail_start.islower():
            words[-1][1] -= len(tail) + 1
            words[-1][2] = tail_start
    if not words:
        return None
    letters = [c for w in words for c in w[2] if c.isalpha()]
    if letters and not any(c.isupper() for c in letters):
        return None
    return words


def has_affix(words):
    """Whether trim_words with hyphens would cut a hyphen affix off these words."""
    if not words:
        return False
    plain = trim_words(words, False)
    return plain is not None and plain != trim_words(words, True)


def rule_trim(mentions, hyphens):
    """Cuts lowercase edge words (and with `hyphens` lowercase hyphen affixes) off a span; drops spans whose letters
    are all lowercase."""
    for m in mentions:
        if m["type"] is None:
            continue
        if "words" in m:  # CoNLL mode: whole tokens only
            if hyphens and has_affix(m["words"]):
                m["affix"] = True
            kept = trim_words(m["words"], False)
        else:
            words = [(x.start(), x.end(), x.group()) for x in re.finditer(r"\S+", m["text"])]
            kept = trim_words(words, hyphens)
        if kept is None:
            m["type"] = None
            continue
        a, b = kept[0][0], kept[-1][1]
        if "words" in m:
            m["start"], m["end"] = m["start"] + a, m["start"] + b
            m["words"] = [(i - a, i - a + 1, w) for i, _, w in kept]
            m["text"] = " ".join(w for _, _, w in m["words"])
        else:
            m["start"], m["end"], m["text"] = m["start"] + a, m["start"] + b, m["text"][a:b]


RULES = {
    "none": lambda ms: None,
    "doc": lambda ms: rule_doc(ms, 0.0),
    "doc67": lambda ms: rule_doc(ms, 2.0 / 3.0),
    "suffix": lambda ms: rule_suffix(ms, ORG_WORDS),
    "suffix_strict": lambda ms: rule_suffix(ms, ORG_WORDS_STRICT),
    "trim": lambda ms: rule_trim(ms, False),
    "trim_hyphen": lambda ms: rule_trim(ms, True),
}


def apply(variant, mentions):
    for name in variant.split("+"):
        if name not in RULES:
            sys.exit(f"unknown variant {name!r} (known: {', '.join(RULES)})")
        RULES[name](mentions)


# ---- scoring, as `nertab eval --news` counts ---------------------------------------------------------------------


def score(docs, preds):
    gold_n, pred_n, corr = Counter(), Counter(), Counter()
    for did, d in docs.items():
        gold = [(e["start"], e["end"], e["type"]) for e in d["entities"]]
        for g in gold:
            gold_n[g[2]] += 1
        for m in preds.get(did, []):
            if m["type"] is None:  # dropped by a rule
                continue
            p = (m["start"], m["end"], m["type"])
            pred_n[p[2]] += 1
            if p in gold:
                corr[p[2]] += 1

    def f1(g, p, c):
        prec = 100.0 * c / p if p else 0.0
        rec = 100.0 * c / g if g else 0.0
        return 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    out = {"overall": f1(sum(gold_n.values()), sum(pred_n.values()), sum(corr.values()))}
    for t in sorted(set(gold_n) | set(pred_n)):
        out[t] = f1(gold_n[t], pred_n[t], corr[t])
    return out


def check_mode(args):
    docs = {d["id"]: d for d in read_jsonl(args.check)}
    base = defaultdict(list)
    for r in read_jsonl(args.pred):
        if r.get("type") not in TYPES:
            continue
        if r["doc_id"] not in docs:
            sys.exit(f"{args.pred}: doc_id {r['doc_id']!r} is not in {args.check}")
        if docs[r["doc_id"]]["text"][r["start"]:r["end"]] != r["text"]:
            sys.exit(f"{args.pred}: {r['doc_id']}: {r['text']!r} at {r['start']}-{r['end']} does not match the text")
        base[r["doc_id"]].append({k: r[k] for k in ("start", "end", "text", "type", "score")})
    print("| variant | overall | " + " | ".join(TYPES) + " | changed |")
    print("|---" * (len(TYPES) + 3) + "|")
    for variant in args.variants.split(","):
        preds, changed = {}, 0
        for did, ms in base.items():
            ms2 = [dict(m) for m in ms]
            apply(variant, ms2)
            key = lambda m: (m["start"], m["end"], m["type"])  # noqa: E731
            changed += sum(key(a) != key(b) for a, b in zip(ms, ms2))
            if args.verbose:
                for a, b in zip(ms, ms2):
                    if key(a) != key(b):
                        print(f"  {variant}: {did}: {a['text']!r} {a['type']} -> {b['text']!r} {b['type']}",
                              file=sys.stderr)
            preds[did] = ms2
        s = score(docs, preds)
        print(f"| {variant} | {s['overall']:.2f} | " + " | ".join(f"{s.get(t, 0.0):.2f}" for t in TYPES)
              + f" | {changed} |")


# ---- CoNLL mode ---------------------------------------------------------------------------------------------------


def iob_spans(tags):
    """(start, end, type) of each chunk, conlleval's rules: an I-X after O or another type starts a chunk."""
    spans, cur = [], None
    for i, t in enumerate(tags + ["O"]):
        kind, _, ty = t.partition("-")
        if cur and (kind in ("O", "B") or ty != cur[2]):
            spans.append((cur[0], i, cur[2]))
            cur = None
        if kind in ("B", "I") and cur is None:
            cur = [i, None, ty]
    return spans


def read_conll_sentences(path):
    """Sentences of a CoNLL file as lists of split lines; -DOCSTART- lines become the marker None."""
    items, sent = [], []
    for ln in open(path, encoding="utf-8"):
        parts = ln.split()
        if not parts or parts[0] == "-DOCSTART-":
            if sent:
                items.append(sent)
                sent = []
            if parts:
                items.append(None)
            continue
        sent.append(parts)
    if sent:
        items.append(sent)
    return items


def conll_mode(args):
    # eval --write-predictions writes no -DOCSTART- lines: documents come from the CoNLL source (--docs), whose
    # sentences must be the predictions' sentences in the same order, word for word.
    pred = [s for s in read_conll_sentences(args.conll) if s is not None]
    docs, cur, i = [], None, 0
    for s in read_conll_sentences(args.docs):
        if s is None or cur is None:
            cur = []
            docs.append(cur)
            if s is None:
                continue
        if i >= len(pred) or [w[0] for w in pred[i]] != [w[0] for w in s]:
            sys.exit(f"{args.conll}: sentence {i + 1} is not {args.docs}'s sentence {i + 1}")
        cur.append(pred[i])
        i += 1
    if i != len(pred):
        sys.exit(f"{args.conll}: {len(pred)} sentences, {args.docs}: {i}")
    out = open(args.output, "w", encoding="utf-8")
    changed, affixed = 0, Counter()
    for doc in docs:
        mentions = []
        for si, s in enumerate(doc):
            for a, b, ty in iob_spans([w[2] for w in s]):
                text = " ".join(w[0] for w in s[a:b])
                words = [(i, i + 1, w[0]) for i, w in enumerate(s[a:b])]
                mentions.append({"sent": si, "start": a, "end": b, "text": text, "type": ty, "score": None,
                                 "words": words})
        before = [(m["start"], m["end"], m["type"]) for m in mentions]
        apply(args.variant, mentions)
        for m, (a, b, ty) in zip(mentions, before):
            if m.get("affix"):
                s = doc[m["sent"]]
                gold = [(x, y, t) for x, y, t in iob_spans([w[1] for w in s])]
                affixed[(a, b, ty) in gold] += 1
            if (m["start"], m["end"], m["type"]) != (a, b, ty):
                changed += 1
                s = doc[m["sent"]]
                for i in range(a, b):
                    s[i][2] = "O"
                if m["type"] is not None:
                    for i in range(m["start"], m["end"]):
                        s[i][2] = ("B-" if i == m["start"] else "I-") + m["type"]
        for s in doc:
            for w in s:
                out.write(" ".join(w) + "\n")
            out.write("\n")
    out.close()
    print(f"{args.variant}: {changed} mentions changed", file=sys.stderr)
    if affixed:
        print(f"{args.variant}: {sum(affixed.values())} mentions have a hyphen affix it would cut inside a CoNLL token "
              f"(not applied; {affixed[True]} of them right as they are)", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("check", nargs="?", help="span-annotated JSONL (id, text, entities)")
    ap.add_argument("pred", nargs="?", help="nertab extract's JSONL on that check")
    ap.add_argument("--variants", default="none,doc,doc67,suffix,suffix_strict", help="comma-separated")
    ap.add_argument("--verbose", action="store_true", help="list every relabelled mention on stderr")
    ap.add_argument("--conll", help="eval --conll --write-predictions output (CoNLL mode)")
    ap.add_argument("--docs", help="CoNLL mode: the CoNLL file the predictions were made on (its -DOCSTART- lines)")
    ap.add_argument("--variant", default="none", help="CoNLL mode: the variant to apply")
    ap.add_argument("-o", "--output", help="CoNLL mode: where to write the relabelled predictions")
    args = ap.parse_args()
    if args.conll:
        if not args.output or not args.docs:
            ap.error("--conll needs --docs and -o")
        conll_mode(args)
    elif args.check and args.pred:
        check_mode(args)
    else:
        ap.error("give CHECK.jsonl PRED.jsonl, or --conll P.txt -o OUT")


if __name__ == "__main__":
    main()
