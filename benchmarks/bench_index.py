"""Indexing throughput: our pipeline (chunks/s) next to raw SentenceTransformer.encode of the same
texts in the same run, and the wall time of `bot index` on the seed in a fresh process.

    .venv/bin/python benchmarks/bench_index.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.build import build_index  # noqa: E402
from index.chunk import chunk_records  # noqa: E402
from index.config import DEFAULT_SEED, Settings  # noqa: E402
from index.embed import PackagedEmbeddings  # noqa: E402
from index.packaged_model import load_model  # noqa: E402
from index.parse import parse_file  # noqa: E402
from index.sentences import normalise, sentence_spans  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    source = DEFAULT_SEED.read_text(encoding="utf-8")
    chunks = chunk_records(source, parse_file(DEFAULT_SEED))
    texts = [c.text for c in chunks]
    sentences = list(dict.fromkeys(
        normalise(source[c.start + s : c.start + e]) for c in chunks for s, e in sentence_spans(source[c.start : c.end])
    ))
    model = load_model()
    model.encode(texts[:8])  # warm up

    raw, raw_all, ours = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        model.encode(texts, batch_size=32, normalize_embeddings=True)
        raw.append(time.perf_counter() - t)
        model.encode(sentences, batch_size=32, normalize_embeddings=True)
        raw_all.append(time.perf_counter() - t)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            build_index([DEFAULT_SEED], Settings(store_dir=Path(tmp) / "s"), rebuild=True,
                        embeddings=PackagedEmbeddings(), progress=False)
            ours.append(time.perf_counter() - t)
    raw_rate = len(texts) / statistics.median(raw)
    our_rate = len(texts) / statistics.median(ours)
    print(f"chunks: {len(texts)} (median of {args.repeat} runs)")
    print(f"raw SentenceTransformer.encode : {raw_rate:8.1f} chunks/s")
    all_rate = len(texts) / statistics.median(raw_all)
    print(f"raw encode, chunks + their {len(sentences)} sentences (what bot index embeds): {all_rate:8.1f} chunks/s")
    print(f"build_index (parse..store)     : {our_rate:8.1f} chunks/s   ratio to raw chunks: {our_rate / raw_rate:.2f}, "
          f"to raw chunks+sentences: {our_rate / all_rate:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "bot.cli", "index", "--quiet", "--store", str(Path(tmp) / "s")]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        again = time.perf_counter() - t
    print(f"`bot index` on the seed, new process, empty store : {cold:6.2f} s")
    print(f"`bot index` again (up to date, nothing embedded)   : {again:6.2f} s")


if __name__ == "__main__":
    main()
