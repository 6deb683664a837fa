#!/usr/bin/env python3
"""Exports nertab's NER model (BERT token classifier, fp16 safetensors) to ONNX without torch, and checks it.

    python onnx_export.py MODEL_DIR OUT.onnx [--variants] [--check [--conll FILE [--sentences N]]]

MODEL_DIR holds config.json and model.safetensors. OUT.onnx gets the plain fp32 graph (opset 17, dynamic rows and
width). Inputs input_ids, attention_mask, token_type_ids: int64 [rows, width] (mask 1 = real, 0 = pad); output
logits: float32 [rows, width, labels].

The graph copies the node pattern of a PyTorch export of transformers' BertForTokenClassification (constant Reshape
shapes, key Transpose perm 0,2,3,1, Div by sqrt(head size), mask Unsqueeze-Unsqueeze-Cast-Sub-Mul(-10000), Erf
GELU, position ids sliced from a [1, max_positions] constant by the width of input_ids), so that
onnxruntime.transformers.optimizer fuses it into EmbedLayerNormalization / Attention / BiasGelu /
SkipLayerNormalization. Initializers carry the HF parameter names (linear weights stored transposed, [in, out]),
and each node is named /<hf module path>/<Op>, e.g. /bert/encoder/layer.0/output/dense/MatMul.

--variants also writes, beside OUT.onnx (STEM = OUT without .onnx):
    STEM.fused.onnx             optimizer-fused fp32 (fused op counts printed)
    STEM.fused-fastgelu.onnx    the same with the tanh GELU approximation (FastGelu; changes the numbers a little)
    STEM.fused.int8.onnx        quantize_dynamic of the fused graph, QInt8 weights, per tensor
    STEM.fused.int8pc.onnx      the same, per channel
    STEM.fused.int8pc-ff01.onnx per channel, layers 0 and 1 output.dense MatMuls left in fp32
    STEM.int8pc.onnx            quantize_dynamic of the plain graph, per channel
Only MatMul and Attention are quantized (the linears, as nertab's own int8 path); embeddings stay fp32.
--check runs a numpy fp32 reference forward on random batches (and, with --conll, on real sentences of a CoNLL-2003
file, tokenized here with the model's WordPiece vocabulary and nertab's casing classes) and prints, per ONNX file
written, the max |logit difference| and the argmax agreement, one JSON line each.
"""
import argparse
import json
import math
import os
import sys
import unicodedata

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import load_file

OPSET = 17
MASK_VALUE = -10000.0  # what nertab's own attention adds at pad keys (src/model/attention.rs)


def load_model(model_dir):
    """config dict and the weights widened to fp32."""
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    weights = {k: v.astype(np.float32) for k, v in load_file(os.path.join(model_dir, "model.safetensors")).items()}
    return config, weights


# ---------------------------------------------------------------- ONNX graph


class Graph:
    """Small builder: a list of named nodes and of initializers (each added once, by name)."""

    def __init__(self):
        self.nodes, self.inits, self.names = [], [], set()

    def init(self, name, array):
        if name not in self.names:
            self.names.add(name)
            self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def const(self, name, value, dtype=np.int64):
        return self.init(name, np.array(value, dtype=dtype))

    def op(self, op_type, inputs, name, **attrs):
        """Adds one node named NAME whose single output is NAME + '_output_0' (as torch names them)."""
        out = name + "_output_0"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=name, **attrs))
        return out


def linear(g, x, w, prefix, hf):
    """x @ W^T + b with the HF parameter names; node names /prefix/MatMul and /prefix/Add."""
    wt = g.init(hf + ".weight", w[hf + ".weight"].T.copy())
    b = g.init(hf + ".bias", w[hf + ".bias"])
    y = g.op("MatMul", [x, wt], prefix + "/MatMul")
    return g.op("Add", [b, y], prefix + "/Add")  # bias first, as torch exports it


def layer_norm(g, x, w, prefix, hf, eps):
    return g.op("LayerNormalization", [x, g.init(hf + ".weight", w[hf + ".weight"]), g.init(hf + ".bias", w[hf + ".bias"])],
                prefix + "/LayerNormalization", axis=-1, epsilon=eps)


def build_graph(config, w):
    g = Graph()
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head = hidden // heads
    eps = float(config["layer_norm_eps"])
    labels = w["classifier.weight"].shape[0]

    # Embeddings: word + token type + position (position ids = constant[:, :width], width from Shape(input_ids)).
    p = "/bert/embeddings"
    word = g.op("Gather", [g.init("bert.embeddings.word_embeddings.weight", w["bert.embeddings.word_embeddings.weight"]),
                           "input_ids"], p + "/word_embeddings/Gather")
    typ = g.op("Gather", [g.init("bert.embeddings.token_type_embeddings.weight",
                                 w["bert.embeddings.token_type_embeddings.weight"]), "token_type_ids"],
               p + "/token_type_embeddings/Gather")
    summed = g.op("Add", [word, typ], p + "/Add")
    shape = g.op("Shape", ["input_ids"], p + "/Shape")
    width = g.op("Gather", [shape, g.const("const_1", 1)], p + "/Gather")
    ends = g.op("Unsqueeze", [width, g.const("const_axes_0", [0])], p + "/Unsqueeze")
    max_pos = config["max_position_embeddings"]
    pos_ids = g.op("Slice", [g.init("bert.embeddings.position_ids", np.arange(max_pos, dtype=np.int64)[None, :]),
                             g.const("const_starts_0", [0]), ends, g.const("const_axes_1", [1]),
                             g.const("const_steps_1", [1])], p + "/Slice")
    pos = g.op("Gather", [g.init("bert.embeddings.position_embeddings.weight",
                                 w["bert.embeddings.position_embeddings.weight"]), pos_ids],
               p + "/position_embeddings/Gather")
    x = layer_norm(g, g.op("Add", [summed, pos], p + "/Add_1"), w, p + "/LayerNorm", "bert.embeddings.LayerNorm", eps)

    # Additive key mask [rows, 1, 1, width]: (1 - mask) * -10000.
    p = "/bert"
    m = g.op("Unsqueeze", ["attention_mask", g.const("const_axes_1", [1])], p + "/Unsqueeze")
    m = g.op("Unsqueeze", [m, g.const("const_axes_2", [2])], p + "/Unsqueeze_1")
    m = g.op("Cast", [m], p + "/Cast", to=TensorProto.FLOAT)
    m = g.op("Sub", [g.const("const_one_f", 1.0, np.float32), m], p + "/Sub")
    mask = g.op("Mul", [m, g.const("const_mask_value", MASK_VALUE, np.float32)], p + "/Mul")

    split = g.const("const_split_heads", [0, 0, heads, head])
    merge = g.const("const_merge_heads", [0, 0, hidden])
    scale = g.const("const_sqrt_head", math.sqrt(head), np.float32)
    for i in range(config["num_hidden_layers"]):
        p, hf = f"/bert/encoder/layer.{i}", f"bert.encoder.layer.{i}"
        a, ahf = p + "/attention/self", hf + ".attention.self"

        def heads_of(name, perm):
            y = linear(g, x, w, f"{a}/{name}", f"{ahf}.{name}")
            y = g.op("Reshape", [y, split], f"{a}/{name}/Reshape")
            return g.op("Transpose", [y], f"{a}/{name}/Transpose", perm=perm)

        q = heads_of("query", [0, 2, 1, 3])
        k = heads_of("key", [0, 2, 3, 1])
        v = heads_of("value", [0, 2, 1, 3])
        s = g.op("MatMul", [q, k], a + "/MatMul")
        s = g.op("Div", [s, scale], a + "/Div")
        s = g.op("Add", [s, mask], a + "/Add")
        s = g.op("Softmax", [s], a + "/Softmax", axis=-1)
        c = g.op("MatMul", [s, v], a + "/MatMul_1")
        c = g.op("Transpose", [c], a + "/Transpose_3", perm=[0, 2, 1, 3])
        c = g.op("Reshape", [c, merge], a + "/Reshape_3")
        o = linear(g, c, w, p + "/attention/output/dense", hf + ".attention.output.dense")
        o = g.op("Add", [o, x], p + "/attention/output/Add")
        x = layer_norm(g, o, w, p + "/attention/output/LayerNorm", hf + ".attention.output.LayerNorm", eps)

        # Feed-forward with exact (Erf) GELU: x * 0.5 * (1 + erf(x / sqrt 2)).
        h = linear(g, x, w, p + "/intermediate/dense", hf + ".intermediate.dense")
        ip = p + "/intermediate/intermediate_act_fn"
        e = g.op("Div", [h, g.const("const_sqrt2", 1.4142135381698608, np.float32)], ip + "/Div")
        e = g.op("Erf", [e], ip + "/Erf")
        e = g.op("Add", [e, g.const("const_one_f", 1.0, np.float32)], ip + "/Add")
        e = g.op("Mul", [h, e], ip + "/Mul")
        h = g.op("Mul", [e, g.const("const_half", 0.5, np.float32)], ip + "/Mul_1")
        o = linear(g, h, w, p + "/output/dense", hf + ".output.dense")
        o = g.op("Add", [o, x], p + "/output/Add")
        x = layer_norm(g, o, w, p + "/output/LayerNorm", hf + ".output.LayerNorm", eps)

    logits = linear(g, x, w, "/classifier", "classifier")
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="/classifier/Identity"))

    ids = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, ["rows", "width"])
    graph = helper.make_graph(g.nodes, "nertab-ner", [ids("input_ids"), ids("attention_mask"), ids("token_type_ids")],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["rows", "width", labels])],
                              g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="nertab")
    model.ir_version = 8  # readable by onnxruntime >= 1.14
    onnx.checker.check_model(model)
    return model


# ---------------------------------------------------------------- numpy reference


def erf(x):
    """Abramowitz-Stegun 7.1.26 in float64 (|error| < 1.5e-7, below fp32 resolution near 1); vectorized."""
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (np.sign(x) * (1.0 - poly * np.exp(-z * z))).astype(np.float32)


def reference(config, w, ids, mask, types):
    """fp32 numpy forward of BertForTokenClassification: logits [rows, width, labels]."""
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head, eps = hidden // heads, config["layer_norm_eps"]
    rows, width = ids.shape

    def ln(x, hf):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + eps) * w[hf + ".weight"] + w[hf + ".bias"]

    def lin(x, hf):
        return x @ w[hf + ".weight"].T + w[hf + ".bias"]

    e = "bert.embeddings."
    x = w[e + "word_embeddings.weight"][ids] + w[e + "token_type_embeddings.weight"][types] \
        + w[e + "position_embeddings.weight"][:width][None]
    x = ln(x, e + "LayerNorm")
    add_mask = ((1.0 - mask.astype(np.float32)) * MASK_VALUE)[:, None, None, :]
    for i in range(config["num_hidden_layers"]):
        hf = f"bert.encoder.layer.{i}"
        split = lambda y: y.reshape(rows, width, heads, head).transpose(0, 2, 1, 3)
        q, k, v = (split(lin(x, f"{hf}.attention.self.{n}")) for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 1, 3, 2) / np.float32(math.sqrt(head)) + add_mask
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        c = (s @ v).transpose(0, 2, 1, 3).reshape(rows, width, hidden)
        x = ln(lin(c, hf + ".attention.output.dense") + x, hf + ".attention.output.LayerNorm")
        h = lin(x, hf + ".intermediate.dense")
        h = h * 0.5 * (1.0 + erf(h / np.float32(math.sqrt(2.0))))
        x = ln(lin(h, hf + ".output.dense") + x, hf + ".output.LayerNorm")
    return lin(x, "classifier").astype(np.float32)


def random_batch(rows, width, type_vocab, seed, padded=False):
    """ids in 1000..20000, types in 0..type_vocab-1, mask all ones; padded: random row lengths (some rows empty,
    pads at the end with id 0 and type 0), as a batch of ragged sentences."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1000, 20000, (rows, width), dtype=np.int64)
    types = rng.integers(0, type_vocab, (rows, width), dtype=np.int64)
    mask = np.ones((rows, width), dtype=np.int64)
    if padded:
        lengths = rng.integers(1, width + 1, rows)
        lengths[-2:] = 0  # two padding rows
        lengths[0] = width // 2  # no row fills the width: trailing pad columns
        mask = (np.arange(width)[None, :] < lengths[:, None]).astype(np.int64)
        ids *= mask
        types *= mask
    return ids, mask, types


def casing_class(word):
    """nertab's token type (src/ner/mod.rs): 0 no letters, 1 lower, 2 Capitalized, 3 UPPER, 4 mIxed."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 0
    first, rest = letters[0], letters[1:]
    if not first.isupper() and not any(c.isupper() for c in rest):
        return 1
    if first.isupper() and rest and not any(c.islower() for c in rest):
        return 3
    return 2 if first.isupper() and not any(c.isupper() for c in rest) else 4


def wordpieces(word, vocab):
    """Uncased BERT pieces of one word: lower case, accents stripped, punctuation split off, greedy WordPiece."""
    text = "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")
    chunks, cur = [], ""
    for c in text:
        if unicodedata.category(c).startswith("P") or (c.isascii() and not c.isalnum() and not c.isspace()):
            chunks += [cur, c] if cur else [c]
            cur = ""
        else:
            cur += c
    chunks += [cur] if cur else []
    ids = []
    for chunk in chunks:
        start, out = 0, []
        while start < len(chunk):
            end = len(chunk)
            while end > start and (("##" if start else "") + chunk[start:end]) not in vocab:
                end -= 1
            if end == start:
                out = [vocab["[UNK]"]]
                break
            out.append(vocab[("##" if start else "") + chunk[start:end]])
            start = end
        ids += out
    return ids


def conll_batches(path, model_dir, sentences, rows=32):
    """Real-text batches from a CoNLL-2003 file: [CLS] pieces [SEP], types = casing class of the piece's word,
    padded to the longest row. Yields (ids, mask, types, first) where first marks each word's first piece."""
    with open(os.path.join(model_dir, "tokenizer.json")) as f:
        vocab = json.load(f)["model"]["vocab"]
    sents, words = [], []
    for line in open(path):
        parts = line.split()
        if parts and parts[0] != "-DOCSTART-":
            words.append(parts[0])
        elif words:
            sents.append(words)
            words = []
    batches = []
    for b in range(0, min(sentences, len(sents)), rows):
        seqs = []
        for words in sents[b:b + rows]:
            ids, types, first = [101], [0], [False]
            for word in words:
                pieces = wordpieces(word, vocab) or [vocab["[UNK]"]]
                ids += pieces
                types += [casing_class(word)] * len(pieces)
                first += [True] + [False] * (len(pieces) - 1)
            seqs.append((ids[:255] + [102], types[:255] + [0], first[:255] + [False]))
        width = max(len(s[0]) for s in seqs)
        arr = lambda k, dt: np.array([s[k] + [0] * (width - len(s[k])) for s in seqs], dtype=dt)
        mask = np.array([[1] * len(s[0]) + [0] * (width - len(s[0])) for s in seqs], dtype=np.int64)
        batches.append((arr(0, np.int64), mask, arr(1, np.int64), arr(2, bool)))
    return batches


# ---------------------------------------------------------------- variants and check


def build_variants(out, config):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    stem = out[:-5] if out.endswith(".onnx") else out
    fused = stem + ".fused.onnx"
    opt = optimizer.optimize_model(out, model_type="bert", num_heads=config["num_attention_heads"],
                                   hidden_size=config["hidden_size"], opt_level=0)  # opt_level >= 1 imports torch
    counts = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
    print(json.dumps({"fused": fused, "fused_ops": counts, "fully_optimized": opt.is_fully_optimized()}))
    opt.save_model_to_file(fused)
    options = optimizer.FusionOptions("bert")
    options.enable_gelu_approximation = True
    approx = optimizer.optimize_model(out, model_type="bert", num_heads=config["num_attention_heads"],
                                      hidden_size=config["hidden_size"], opt_level=0, optimization_options=options)
    counts = {k: v for k, v in approx.get_fused_operator_statistics().items() if v}
    print(json.dumps({"fused": stem + ".fused-fastgelu.onnx", "fused_ops": counts}))
    approx.save_model_to_file(stem + ".fused-fastgelu.onnx")

    # The feed-forward output linears of layers 0 and 1 (inputs range up to ~30) kept in fp32 by nertab's int8.
    ff01 = [f"/bert/encoder/layer.{i}/output/dense/MatMul" for i in (0, 1)]
    files = [out, fused, stem + ".fused-fastgelu.onnx"]
    for src, dst, per_channel, exclude in [(fused, stem + ".fused.int8.onnx", False, []),
                                           (fused, stem + ".fused.int8pc.onnx", True, []),
                                           (fused, stem + ".fused.int8pc-ff01.onnx", True, ff01),
                                           (out, stem + ".int8pc.onnx", True, [])]:
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=per_channel, nodes_to_exclude=exclude,
                         op_types_to_quantize=["MatMul", "Attention"],
                         # ONNX shape inference cannot type the outputs of com.microsoft ops: they are float.
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
        q = onnx.load(dst)
        ops = {}
        for n in q.graph.node:
            ops[n.op_type] = ops.get(n.op_type, 0) + 1
        print(json.dumps({"quantized": dst, "ops": ops}))
        files.append(dst)
    return files


def check(files, config, w, model_dir, conll=None, sentences=512):
    """Per ONNX file, vs the numpy reference: max |logit diff| and argmax agreement, on real tokens of the random
    batches, and (with conll) at the first piece of each word of the first SENTENCES sentences."""
    import onnxruntime as ort

    tv = config["type_vocab_size"]
    sets = [(name, [(ids, mask, types, mask.astype(bool))])
            for name, (ids, mask, types) in [("32x32", random_batch(32, 32, tv, 1)), ("16x64", random_batch(16, 64, tv, 2)),
                                             ("4x256", random_batch(4, 256, tv, 3)),
                                             ("12x48 padded", random_batch(12, 48, tv, 4, padded=True))]]
    if conll:
        sets.append((f"conll {sentences} sentences", conll_batches(conll, model_dir, sentences)))
    refs = [[reference(config, w, ids, mask, types) for ids, mask, types, _ in batches] for _, batches in sets]
    for path in files:
        so = ort.SessionOptions()
        so.intra_op_num_threads = 2
        sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        result = {"model": os.path.basename(path)}
        for (name, batches), ref_logits in zip(sets, refs):
            diff, agree, n = 0.0, 0, 0
            for (ids, mask, types, sel), ref in zip(batches, ref_logits):
                got = sess.run(["logits"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
                diff = max(diff, float(np.abs(got - ref)[sel].max()))
                agree += int((got.argmax(-1) == ref.argmax(-1))[sel].sum())
                n += int(sel.sum())
            result[name] = {"max_abs_diff": round(diff, 6), "argmax_agree": round(agree / n, 5), "positions": n}
        print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_dir")
    ap.add_argument("out")
    ap.add_argument("--variants", action="store_true", help="also write the fused and int8 variants")
    ap.add_argument("--check", action="store_true", help="compare every file written with a numpy reference")
    ap.add_argument("--conll", help="with --check: also compare on the sentences of this CoNLL-2003 file")
    ap.add_argument("--sentences", type=int, default=512, help="how many --conll sentences (default 512)")
    args = ap.parse_args()
    config, w = load_model(args.model_dir)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    onnx.save(build_graph(config, w), args.out)
    print(json.dumps({"written": args.out, "opset": OPSET}))
    files = build_variants(args.out, config) if args.variants else [args.out]
    if args.check:
        check(files, config, w, args.model_dir, args.conll, args.sentences)


if __name__ == "__main__":
    sys.exit(main())
