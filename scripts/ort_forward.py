#!/usr/bin/env python3
"""Times ONNX Runtime (CPU) on one random batch of an ONNX file written by scripts/onnx_export.py.

    python ort_forward.py MODEL.onnx --rows R --width W [--threads 2] [--iters N] [--types 5]

The batch is made as onnx_export.py's check makes them: ids random in 1000..20000, attention mask all ones, token
types random in 0..types-1. The session runs with intra_op_num_threads = --threads, inter_op_num_threads 1,
sequential execution and graph optimization level ALL; after 3 warm-up runs, session.run is timed --iters times.
Prints one JSON line: model, shape, threads, iters, median_ms and min_ms per batch.
"""
import argparse
import json
import os
import statistics
import time

import onnxruntime as ort

from onnx_export import random_batch  # the check's batches, so both scripts feed the same inputs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=20)
    ap.add_argument("--types", type=int, default=5, help="token type vocabulary (nertab's casing classes: 5)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    so = ort.SessionOptions()
    so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])

    ids, mask, types = random_batch(args.rows, args.width, args.types, args.seed)
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}

    for _ in range(3):  # warm-up: first runs allocate and pack weights
        sess.run(["logits"], feed)
    times = []
    for _ in range(args.iters):
        start = time.perf_counter()
        sess.run(["logits"], feed)
        times.append((time.perf_counter() - start) * 1000.0)

    print(json.dumps({"model": os.path.basename(args.model), "rows": args.rows, "width": args.width,
                      "threads": args.threads, "iters": args.iters, "ort": ort.__version__,
                      "median_ms": round(statistics.median(times), 3), "min_ms": round(min(times), 3)}))


if __name__ == "__main__":
    main()
