"""nertab on Spark: a JSONL corpus in, the knowledge table out as part files (and, on request, one merged CSV).

Each partition of the corpus (one JSON article per line: id, text, optional title) is piped through the relocatable
bundle (`make dist`) on its executor:

    nertab extract - -o - --format jsonl --no-header --threads <spark.task.cpus>

which streams: rows leave as soon as their articles are processed, one JSON object per line, so the partition's
output is one row per line whatever the text holds. The bundle travels with the job, unpacked under the name
`nertab`, either by spark-submit (`--archives dist/nertab-VERSION-linux-x86_64.tar.gz#nertab`) or by this script
(`--bundle PATH`, which calls SparkContext.addArchive). Where Spark unpacks it differs (the container's working
directory on YARN and Kubernetes, the SparkFiles directory in local and standalone mode), so each partition finds the
binary through SparkFiles and runs it itself, as RDD.pipe would run a fixed command, and fails the task if nertab
fails (RDD.pipe ignores exit codes by default).

    spark-submit --master yarn --archives dist/nertab-0.1.0-linux-x86_64.tar.gz#nertab \\
        --conf spark.task.cpus=4 scripts/spark/extract.py hdfs:///news/*.jsonl hdfs:///news/knowledge
    spark-submit --master 'local[2]' scripts/spark/extract.py --bundle dist/nertab-0.1.0-linux-x86_64.tar.gz \\
        corpus.jsonl out/knowledge --csv out/knowledge.csv

OUTPUT is a directory of part files (part-00000, ...), each JSONL rows in input order; `--csv OUT` also writes one
CSV file with a single header on the driver's file system, byte for byte what `nertab extract` writes for the same
articles (the JSON rows are converted back with the CSV sink's rules).
"""

import argparse
import csv
import glob
import io
import json
import os
import subprocess
import sys
import threading

# The table's columns (src/output/mod.rs COLUMNS), in order.
COLUMNS = ["doc_id", "sentence", "start", "end", "text", "type", "value", "value_high", "unit", "score", "source",
           "context_entities", "sentence_text"]
# Text cells the CSV sink defuses (a leading formula character gets a quote, src/output/csv.rs `defuse`).
DEFUSED = {"doc_id", "text", "context_entities", "sentence_text"}


def find_binary(name="nertab"):
    """The bundle's bin/nertab on this executor: under SparkFiles (local, standalone) or the working directory."""
    from pyspark import SparkFiles

    roots = []
    try:
        roots.append(SparkFiles.get(name))
    except Exception:  # not running under Spark's file server
        pass
    roots.append(os.path.join(os.getcwd(), name))
    for root in roots:
        for exe in (os.path.join(root, "bin", "nertab"), *sorted(glob.glob(os.path.join(root, "*", "bin", "nertab")))):
            if os.access(exe, os.X_OK):
                return exe
    raise RuntimeError(f"no nertab bundle unpacked as '{name}' in {roots}: pass --bundle PATH or "
                       f"spark-submit --archives nertab-VERSION-linux-x86_64.tar.gz#{name}")


def run_nertab(threads, extra_args=()):
    """A mapPartitions function: feeds the partition's JSONL lines to nertab and yields its JSONL rows."""

    def run(lines):
        cmd = [find_binary(), "extract", "-", "-o", "-", "--format", "jsonl", "--no-header",
               "--threads", str(threads), *extra_args]
        # An empty environment but for the locale: the bundle needs none, and nothing of the executor's leaks in.
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={"LC_ALL": "C.UTF-8"})
        errors = []

        def feed():
            try:
                for line in lines:
                    proc.stdin.write(line.rstrip("\n").encode("utf-8") + b"\n")
                proc.stdin.close()
            except BrokenPipeError:  # nertab failed; its exit code says why
                pass
            except Exception as e:  # reading the partition failed
                errors.append(e)
                proc.kill()

        stderr = []
        feeder = threading.Thread(target=feed, daemon=True)
        drain = threading.Thread(target=lambda: stderr.append(proc.stderr.read()), daemon=True)
        feeder.start()
        drain.start()
        for row in iter(proc.stdout.readline, b""):
            yield row.rstrip(b"\n").decode("utf-8")
        code = proc.wait()
        feeder.join()
        drain.join()
        if errors:
            raise errors[0]
        if code != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {code}: {b''.join(stderr).decode('utf-8', 'replace')}")

    return run


def defuse(cell):
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_line(row_json):
    """One JSONL row as the CSV sink writes it (without the line end)."""
    # Floats stay as written (score "1.0000", not 1.0); values are strings already.
    row = json.loads(row_json, parse_float=str)
    cells = []
    for col in COLUMNS:
        v = row[col]
        v = "" if v is None else str(v)
        cells.append(defuse(v) if col in DEFUSED else v)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue().rstrip("\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("input", help="JSONL corpus: a local path or any Hadoop-compatible URI (globs allowed)")
    p.add_argument("output", help="directory of JSONL part files to create (must not exist)")
    p.add_argument("--csv", metavar="OUT", help="also write one merged CSV with a single header to this local file")
    p.add_argument("--bundle", help="the tarball of `make dist`, shipped to the executors with addArchive "
                                    "(else spark-submit --archives TARBALL#nertab)")
    p.add_argument("--partitions", type=int, help="minimum number of input partitions")
    p.add_argument("--threads", type=int, help="nertab threads per task [default: spark.task.cpus]")
    p.add_argument("--extractors", help="passed to nertab --extractors")
    p.add_argument("--precision", choices=["int8", "fp32", "bf16"], help="passed to nertab --precision")
    args = p.parse_args(argv)

    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("nertab-extract").getOrCreate()
    sc = spark.sparkContext
    if args.bundle:
        sc.addArchive(os.path.abspath(args.bundle) + "#nertab")
    threads = args.threads or int(sc.getConf().get("spark.task.cpus", "1"))
    extra = ["--extractors", args.extractors] if args.extractors else []
    extra += ["--precision", args.precision] if args.precision else []

    lines = sc.textFile(args.input, minPartitions=args.partitions) if args.partitions else sc.textFile(args.input)
    rows = lines.filter(lambda l: l.strip()).mapPartitions(run_nertab(threads, extra))
    if args.csv:
        from pyspark import StorageLevel

        rows.persist(StorageLevel.MEMORY_AND_DISK)  # written twice, computed once
    rows.saveAsTextFile(args.output)
    if args.csv:
        # Partitions come back in order, and rows in input order within each: the CSV is in input order.
        os.makedirs(os.path.dirname(os.path.abspath(args.csv)), exist_ok=True)
        tmp = args.csv + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(",".join(COLUMNS) + "\n")
            for line in rows.map(csv_line).toLocalIterator():
                f.write(line + "\n")
        os.replace(tmp, args.csv)
    spark.stop()


if __name__ == "__main__":
    sys.exit(main())
