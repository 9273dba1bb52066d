"""Scale benchmark: ingest and retrieval at 1k / 10k / 100k comment-sized chunks, torch vs int8 ONNX
embeddings, embedded store vs a Chroma server; and a parser fuzz run.

    .venv/bin/python benchmarks/bench_scale.py                       # 1k + 10k, both embedders, server too
    .venv/bin/python benchmarks/bench_scale.py --sizes 1000,10000,100000 --embedders onnx-int8
    .venv/bin/python benchmarks/bench_scale.py --quality             # ONNX vs torch agreement on the seed
    .venv/bin/python benchmarks/bench_scale.py --fuzz 180            # parser fuzz for 180 s
    .venv/bin/python benchmarks/bench_scale.py --posts 100 --work /tmp/scale   # a blog of 100 posts (~10k chunks):
        # build vs raw encoder, incremental update of one post, Bot.ask p50/p95 scoped and unscoped,
        # embedded vs Chroma server; --baseline CHECKOUT builds the same blog with other code and compares

Corpora are generated reproducibly (fixed seed) by recombining the seed's sentences into
seed-shaped posts (title, short article, then threaded `  • Author` comments with replies),
so they go through the real parser, chunker and build_index. Each ingest runs in a child
process so its peak RSS (psutil, sampled every 50 ms) is its own. Every figure is printed
with the 1-minute load average when it was taken: this machine has 2 cores and is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("BENCH_CODE") or str(ROOT))  # --baseline: a child imports another checkout

from index.config import DEFAULT_SEED, Settings  # noqa: E402
from _net import free_port  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

COMMENTS_PER_FILE = 500
POST_COMMENTS = 95  # --posts: with the title and article, about 100 chunks a post
NAMES = """Ana Ben Clair Dima Jess Joni Marilyn Veronica Isabel Amanda Renee Colleen Sam Priya Lena Tom Kat
Noor Mia Zoe Ravi Elle Maya Jo Tess Nia Rosa Ivy Lou Bea""".split()
QUESTIONS = [
    "Why do men pull away?", "Should I give him space?", "Does giving him space mean no contact at all?",
    "What did Veronica say?", "Is it my body?", "Why hasn't he called for so long?", "Should I text him first?",
    "What is oxytocin and why does it matter?", "How do I get him to commit?", "He blocked me, what now?",
    "What did Joni's dad do?", "Is the push/pull effect normal?", "How long should I wait?",
    "What do men really want?", "Leave him alone", "What is intuitive to a man?",
    "My boyfriend withdrew after we moved in together", "Is he losing interest?",
    "Should I ask him what is wrong?", "How do I stop feeling invisible?",
]


def load() -> float:
    return round(os.getloadavg()[0], 2)


# --- corpus -------------------------------------------------------------------


def seed_sentences() -> list[str]:
    from index.parse import parse_text
    from index.sentences import sentence_spans

    text = DEFAULT_SEED.read_text(encoding="utf-8")
    out = []
    for record in parse_text(text, doc="seed"):
        for s, e in sentence_spans(record.text):
            sentence = " ".join(record.text[s:e].split())
            if len(sentence) >= 12 and sentence[0] not in "•◦▪‣·*-":
                out.append(sentence)
    return out


def post_text(rng: random.Random, sentences: list[str], n: int, comments: int, vary: bool = False) -> str:
    """One seed-shaped post: a title, a short article, then ``comments`` threaded comments.

    ``vary``: change one word of every sentence used (to another word of the seed), so that sentences
    are distinct across the blog as in real posts. Without it, every sentence is one of the seed's few
    hundred, and the sentence bank (which embeds each distinct sentence once) would cost nothing."""

    def pick(k: int) -> str:
        chosen = rng.sample(sentences, k)
        if vary:
            chosen = [_vary(rng, c) for c in chosen]
        return " ".join(chosen)

    lines = [f"Post {n}: " + rng.choice(sentences).rstrip(".!?") + "?", ""]
    for _ in range(rng.randint(3, 6)):
        lines += [pick(rng.randint(2, 5)), ""]
    depth = 0
    for _ in range(comments):
        depth = rng.choice([0, 0, 0, 1, 1, 2]) if depth else rng.choice([0, 0, 1])
        pad = "  " * (depth + 1)
        lines += [f"{pad}• {rng.choice(NAMES)} {rng.randint(1, 999)}", ""]
        body = pick(rng.randint(1, 4))  # 20-120 words: comment-sized
        lines += [f"{pad}  {body}", ""]
    return "\n".join(lines)


_WORDS: list[str] = []


def _vary(rng: random.Random, sentence: str) -> str:
    if not _WORDS:
        _WORDS.extend(sorted({w for s in seed_sentences() for w in s.split() if w.isalpha() and w.islower()}))
    words = sentence.split()
    inner = [i for i, w in enumerate(words) if w.isalpha() and w.islower()]
    if inner:
        words[rng.choice(inner)] = rng.choice(_WORDS)
    return " ".join(words)


def generate_corpus(comments: int, folder: Path, seed: int = 0) -> list[Path]:
    """Seed-shaped posts holding ``comments`` comments in total (about one chunk each)."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    paths, left, n = [], comments, 0
    while left > 0:
        count = min(COMMENTS_PER_FILE, left)
        path = folder / f"post-{n:04d}.txt"
        path.write_text(post_text(rng, sentences, n, count), encoding="utf-8")
        paths.append(path)
        left -= count
        n += 1
    return paths


def generate_posts(posts: int, folder: Path, comments: int = POST_COMMENTS, seed: int = 0) -> list[Path]:
    """A blog: ``posts`` files, one post each (its own slug, post-0000 ...), ``comments`` comments each,
    sentences varied (see post_text). Each post has its own random stream: post i is the same whatever N."""
    sentences = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(posts):
        path = folder / f"post-{n:04d}.txt"
        path.write_text(post_text(random.Random(seed * 1_000_003 + n), sentences, n, comments, vary=True),
                        encoding="utf-8")
        paths.append(path)
    return paths


def edit_post(path: Path, comments: int = 3, seed: int = 7) -> int:
    """Rewrite the bodies of a few comments of one post file, as an author's moderation would.
    Returns how many comment bodies changed."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    lines = path.read_text(encoding="utf-8").split("\n")
    bullet = [i for i, line in enumerate(lines) if line.lstrip().startswith("• ")]
    bodies = [i + 2 for i in bullet if i + 2 < len(lines) and lines[i + 2].strip()]
    for i in rng.sample(bodies, min(comments, len(bodies))):
        pad = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines[i] = pad + " ".join(_vary(rng, s) for s in rng.sample(sentences, rng.randint(1, 4)))
    path.write_text("\n".join(lines), encoding="utf-8")
    return min(comments, len(bodies))


# --- measuring helpers --------------------------------------------------------


class PeakRSS:
    """Peak resident memory of this process, sampled in a thread."""

    def __init__(self, every: float = 0.05):
        import psutil

        self.proc, self.every, self.peak = psutil.Process(), every, 0
        self._stop = threading.Event()

    def __enter__(self):
        self.peak = self.proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def disk_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def raw_rate(encode, texts: list[str]) -> float:
    encode(texts[:8])  # warm up
    t = time.perf_counter()
    encode(texts)
    return len(texts) / (time.perf_counter() - t)


def torch_encode(texts):
    from index.packaged_model import load_model

    return load_model().encode(texts, batch_size=32, normalize_embeddings=True)


def onnx_encode(texts):
    from index.embed_onnx import OnnxEmbeddings

    return OnnxEmbeddings().embed_documents(texts)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


# --- ingest (child process) ---------------------------------------------------


def ingest_child(spec: dict) -> dict:
    """One build_index in a fresh process; then raw encode rates of a sample of the same texts."""
    from index.build import build_index
    from index.embed import make_embeddings

    paths = [Path(p) for p in spec["paths"]]
    settings = Settings(store_dir=Path(spec["store"]), chroma_url=spec.get("chroma_url"))
    embeddings = SentenceMeanEmbeddings() if spec["embedder"] == "approx" else make_embeddings(spec["embedder"])
    load_before = load()
    with PeakRSS() as rss:
        t = time.perf_counter()
        report = build_index(paths, settings, rebuild=True, embeddings=embeddings, progress=False)
        seconds = time.perf_counter() - t
    from index.store import IndexVersion

    texts = [c.text for c in IndexVersion.open(settings.store_dir).chunks.values()]
    sample = random.Random(1).sample(texts, min(spec["raw_sample"], len(texts)))
    rates = {"torch": raw_rate(torch_encode, sample) if spec["raw_sample"] else 0.0}
    rates["onnx-int8"] = raw_rate(onnx_encode, sample) if spec["raw_sample"] else 0.0
    return {
        "chunks": report.chunks, "records": report.records, "files": report.documents,
        "seconds": seconds, "chunks_per_s": report.chunks / seconds, "peak_rss": rss.peak,
        "disk": disk_size(settings.store_dir), "raw": rates, "raw_sample": len(sample),
        "load": [load_before, load()],
    }


def run_ingest(paths, store: Path, embedder: str, raw_sample: int, chroma_url: str | None = None) -> dict:
    spec = {"paths": [str(p) for p in paths], "store": str(store), "embedder": embedder,
            "raw_sample": raw_sample, "chroma_url": chroma_url}
    out = subprocess.run([sys.executable, __file__, "--_ingest", json.dumps(spec)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"ingest child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- retrieval ----------------------------------------------------------------


def queries(n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    sentences = seed_sentences()
    made = [" ".join(rng.choice(sentences).split()[: rng.randint(4, 9)]) for _ in range(max(0, n - len(QUESTIONS)))]
    return (QUESTIONS + made)[:n]


def time_retrieval(version, embeddings, qs: list[str], k: int = 6) -> dict:
    from bot.retrieve.hybrid import HybridRetriever

    out = {}
    for mode in ("hybrid", "dense", "bm25"):
        retriever = HybridRetriever(version, embeddings, mode=mode)
        retriever.search(qs[0], k)  # warm up: opens the collection, loads BM25 and the model
        samples = []
        for q in qs:
            t = time.perf_counter()
            retriever.search(q, k)
            samples.append(time.perf_counter() - t)
        out[mode] = percentiles(samples) + (load(),)
    t = time.perf_counter()
    for q in qs:
        embeddings.embed_query(q)
    out["embed_query_ms"] = (time.perf_counter() - t) / len(qs) * 1000
    return out


class SentenceMeanEmbeddings:
    """Approximate vectors for sizes too big to embed in the time at hand ("approx" embedder):
    each chunk's vector is the normalised mean of the ONNX vectors of its sentences (cached, so
    each distinct sentence is embedded once). Same space and clustering as real chunk vectors,
    so index and query timings are realistic; ingest rate then measures everything but the model.
    """

    def __init__(self):
        from index.embed_onnx import OnnxEmbeddings

        self.inner = OnnxEmbeddings()
        self.model_name = self.inner.model_name
        self.cache: dict[str, list[float]] = {}

    def embed_documents(self, texts, on_batch=None):
        import numpy as np

        from index.sentences import sentence_spans

        pieces = [[t[a:b] for a, b in sentence_spans(t)] or [t] for t in texts]
        missing = sorted({p for ps in pieces for p in ps if p not in self.cache})
        self.cache.update(zip(missing, self.inner.embed_documents(missing)))
        out = []
        for ps in pieces:
            v = np.mean([self.cache[p] for p in ps], axis=0)
            out.append((v / np.linalg.norm(v)).tolist())
        if on_batch:
            on_batch(len(texts))
        return out

    def embed_query(self, text):
        return self.inner.embed_query(text)


class Precomputed:
    """Vectors taken from an existing index (no re-embedding); queries go to the real embedder."""

    def __init__(self, inner, by_text: dict[str, list[float]]):
        self.inner, self.by_text, self.model_name = inner, by_text, inner.model_name

    def embed_documents(self, texts, on_batch=None):
        missing = [t for t in dict.fromkeys(texts) if t not in self.by_text]  # e.g. sentences, not chunks
        self.by_text.update(zip(missing, self.inner.embed_documents(missing)))
        if on_batch:
            on_batch(len(texts))
        return [self.by_text[t] for t in texts]

    def embed_query(self, text):
        return self.inner.embed_query(text)


def start_chroma(path: Path) -> tuple[subprocess.Popen, str]:
    from index.server import server_client

    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    proc = subprocess.Popen([chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            server_client(url).heartbeat()
            return proc, url
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("chroma server did not start")


def server_copy(paths, store: Path, server_store: Path, url: str) -> tuple[float, object]:
    """Index the same corpus into the Chroma server, reusing the embedded store's vectors."""
    from index.build import build_index
    from index.embed import embeddings_for_model
    from index.store import IndexVersion

    version = IndexVersion.open(store)
    keys = list(version.chunks)
    vectors = version.embeddings_for(keys)
    by_text = {version.chunks[k].embed_text: vectors[k] for k in keys}  # what the build embeds
    texts, matrix = version.sentence_bank  # and its sentences: nothing but new texts is embedded again
    by_text.update((t, v) for t, v in zip(texts, matrix.astype("float32").tolist()) if t not in by_text)
    embeddings = Precomputed(embeddings_for_model(version.manifest.embedding_model), by_text)
    t = time.perf_counter()
    build_index(paths, Settings(store_dir=server_store, chroma_url=url), rebuild=True,
                embeddings=embeddings, progress=False)
    return time.perf_counter() - t, embeddings


# --- a blog of many posts (--posts N) -----------------------------------------


class CountingEmbeddings:
    """The build's embedder, counting what it encodes and the seconds spent in it."""

    def __init__(self, inner):
        self.inner, self.model_name = inner, inner.model_name
        self.texts = self.calls = 0
        self.seconds = 0.0

    def embed_documents(self, texts, on_batch=None):
        t = time.perf_counter()
        out = self.inner.embed_documents(texts, on_batch=on_batch)
        self.seconds += time.perf_counter() - t
        self.texts += len(texts)
        self.calls += 1
        return out

    def embed_query(self, text):
        return self.inner.embed_query(text)


def chunk_texts(paths: list[Path]) -> list[str]:
    """What the build embeds for these posts (Chunk.embed_text), chunked as `bot index` chunks them."""
    from index.chunk import chunk_records
    from index.parse import parse_text, read_source, slugify

    settings = Settings(store_dir=Path("."))
    out = []
    for path in sorted(f for p in paths for f in (Path(p).glob("*.txt") if Path(p).is_dir() else [Path(p)])):
        text = read_source(path)
        records = parse_text(text, doc=slugify(path.stem), name=str(path))
        out += [c.embed_text for c in chunk_records(text, records, settings.chunk_tokens, settings.overlap_tokens)]
    return out


def posts_child(spec: dict) -> dict:
    """One build_index (`bot index PATHS`) in a fresh process, with its peak RSS and stage timings; with
    ``raw_sample``, the raw encoder's rate on a sample of the very texts it embeds, before and after."""
    from index.build import build_index
    from index.embed import make_embeddings

    paths = [Path(p) for p in spec["paths"]]
    settings = Settings(store_dir=Path(spec["store"]), embedder=spec["embedder"])
    embeddings = CountingEmbeddings(make_embeddings(spec["embedder"]))
    raw = []
    if spec["raw_sample"]:
        texts = chunk_texts(paths)
        sample = random.Random(1).sample(texts, min(spec["raw_sample"], len(texts)))
        raw.append(raw_rate(embeddings.inner.embed_documents, sample))  # also loads the model: not in the build
    load_before = load()
    with PeakRSS() as rss:
        t = time.perf_counter()
        report = build_index(paths, settings, rebuild=spec["rebuild"], embeddings=embeddings, progress=False)
        seconds = time.perf_counter() - t
    load_after = load()
    if spec["raw_sample"]:
        raw.append(raw_rate(embeddings.inner.embed_documents, sample))
    understood = report.understood or {}
    return {
        "chunks": report.chunks, "files": report.documents, "embedded": report.embedded, "reused": report.reused,
        "changed": report.changed, "seconds": seconds, "chunks_per_s": report.chunks / seconds,
        "stages": getattr(report, "stages", None) or {}, "encoded_texts": embeddings.texts,
        "encode_calls": embeddings.calls, "encode_s": embeddings.seconds,
        "posts_computed": len(understood.get("computed", [])), "posts_reused": len(understood.get("reused", [])),
        "peak_rss": rss.peak, "disk": disk_size(settings.store_dir), "raw": raw, "load": [load_before, load_after],
    }


def run_posts_child(spec: dict, code: Path | None = None) -> dict:
    """posts_child in a child process; ``code``: import the project from that checkout instead (a baseline)."""
    env = dict(os.environ)
    if code is not None:
        env["BENCH_CODE"] = str(code)
        env["PYTHONPATH"] = str(code)
    out = subprocess.run([sys.executable, __file__, "--_posts", json.dumps(spec)],
                         capture_output=True, text=True, check=False, env=env)
    if out.returncode:
        raise SystemExit(f"build child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def same_index(a: Path, b: Path) -> dict:
    """Do two stores hold the same index? Chunk ids, texts and metadata; vectors (max abs difference);
    the sentence bank; the post models; the BM25 ids."""
    import numpy as np

    from index.store import IndexVersion

    va, vb = IndexVersion.open(a), IndexVersion.open(b)
    ka, kb = list(va.chunks), list(vb.chunks)
    out = {"chunk_ids": ka == kb, "chunks": ka == kb and all(va.chunks[k] == vb.chunks[k] for k in ka)}
    if out["chunk_ids"]:
        ea, eb = va.embeddings_for(ka), vb.embeddings_for(kb)
        out["vector_max_diff"] = float(max(np.abs(np.asarray(ea[k]) - np.asarray(eb[k])).max() for k in ka))
    (ta, ma), (tb, mb_) = va.sentence_bank, vb.sentence_bank
    out["bank_texts"] = ta == tb
    out["bank_max_diff"] = float(np.abs(ma.astype(np.float32) - mb_.astype(np.float32)).max()) if ta == tb and len(ta) else None
    out["post_models"] = va.post_models.to_dict() == vb.post_models.to_dict()
    out["bm25_ids"] = va.lexical().ids == vb.lexical().ids
    return out


def ask_latency(store: Path, slugs: list[str], qs: list[str], chroma_url: str | None = None, seed: int = 3) -> dict:
    """Warm answers through bot.api.Bot.ask (extractive), after one warm-up question: scoped to a random
    post each time (post=slug), and over the whole blog."""
    from bot.api import Bot

    bot = Bot(settings=Settings(store_dir=store, chroma_url=chroma_url))
    t = time.perf_counter()
    bot.ask("What is this post about?")
    out = {"first_s": time.perf_counter() - t}
    rng = random.Random(seed)
    for mode in ("scoped", "unscoped"):
        samples, abstained = [], 0
        for q in qs:
            post = rng.choice(slugs) if mode == "scoped" else None
            t = time.perf_counter()
            answer = bot.ask(q, post=post)
            samples.append(time.perf_counter() - t)
            abstained += bool(answer.abstained)
        out[mode] = percentiles(samples) + (load(), abstained, len(samples))
    return out


def answers_child(spec: dict) -> dict:
    """Bot.ask latency (scoped, unscoped) and retrieval timings on an existing store, in a fresh process."""
    from index.embed import embeddings_for_model
    from index.store import IndexVersion

    store, qs = Path(spec["store"]), queries(spec["queries"])
    out = {"answers": ask_latency(store, spec["slugs"], qs)}
    version = IndexVersion.open(store)
    out["retrieval"] = time_retrieval(version, embeddings_for_model(version.manifest.embedding_model), qs)
    return out


def run_answers_only(args, work: Path) -> None:
    """--answers-only: the store of an earlier --posts run in the same --work, asked by this checkout and by
    --baseline in turns (baseline, this, baseline, this), each in a fresh process: before/after, same run."""
    store = work / f"store-posts-{args.posts}"
    slugs = sorted(p.stem for p in (work / f"posts-{args.posts}").glob("*.txt"))
    spec = {"store": str(store), "slugs": slugs, "queries": args.queries}
    codes = [(f"baseline {args.baseline}", Path(args.baseline).resolve())] if args.baseline else []
    codes.append(("this checkout", None))
    rows = []
    for round_ in (1, 2):
        for name, code in codes:
            env = dict(os.environ, BENCH_CODE=str(code), PYTHONPATH=str(code)) if code else None
            out = subprocess.run([sys.executable, __file__, "--_answers", json.dumps(spec)],
                                 capture_output=True, text=True, check=False, env=env)
            if out.returncode:
                raise SystemExit(f"answers child failed:\n{out.stderr[-3000:]}")
            rows.append((round_, name, json.loads(out.stdout.strip().splitlines()[-1])))
            print(f"  round {round_}, {name}: {fmt_answers(rows[-1][2]['answers'])}", flush=True)
    print(f"\n### Warm answers and retrieval on the {args.posts}-post store, {args.queries} questions, turns in one run (ms)")
    print("| round | code | scoped p50 / p95 | unscoped p50 / p95 | retrieval hybrid p50 / p95 | dense | bm25 | load |")
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for round_, name, r in rows:
        a, t = r["answers"], r["retrieval"]
        print(f"| {round_} | {name} | {a['scoped'][0]:.0f} / {a['scoped'][1]:.0f} | {a['unscoped'][0]:.0f} / "
              f"{a['unscoped'][1]:.0f} | {t['hybrid'][0]:.1f} / {t['hybrid'][1]:.1f} | {t['dense'][0]:.1f} / "
              f"{t['dense'][1]:.1f} | {t['bm25'][0]:.1f} / {t['bm25'][1]:.1f} | {a['scoped'][2]}, {a['unscoped'][2]} |")


TARGETS = {"ingest_ratio": 0.9, "incremental_ratio": 2.0, "scoped_p95_ms": 150, "unscoped_p95_ms": 300}


def run_posts(args, work: Path) -> None:
    from index.store import IndexVersion

    n, embedder = args.posts, args.embedder
    corpus = work / f"posts-{n}"
    shutil.rmtree(corpus, ignore_errors=True)
    t = time.perf_counter()
    paths = generate_posts(n, corpus)
    print(f"blog of {n} posts ({POST_COMMENTS} comments each) in {corpus}, generated in {time.perf_counter() - t:.1f}s; "
          f"embedder {embedder}; load {load()}", flush=True)

    # 1. the full build, and the raw encoder on the same texts, in one child process
    store = work / f"store-posts-{n}"
    shutil.rmtree(store, ignore_errors=True)
    spec = {"paths": [str(corpus)], "store": str(store), "embedder": embedder, "rebuild": True,
            "raw_sample": args.raw_sample}
    full = run_posts_child(spec)
    raw = statistics.mean(full["raw"])
    print(f"  full build: {full['chunks']:,} chunks in {full['seconds']:.1f}s = {full['chunks_per_s']:.1f} chunks/s; "
          f"raw encoder {full['raw'][0]:.1f} / {full['raw'][1]:.1f} chunks/s (before / after); "
          f"ratio {full['chunks_per_s'] / raw:.2f}; peak RSS {mb(full['peak_rss'])}; load {full['load']}", flush=True)
    builds = [("this checkout", full)]
    check = None
    if args.baseline:  # the same build with another checkout's code, on the same corpus, in this run
        base_store = work / f"store-posts-{n}-baseline"
        shutil.rmtree(base_store, ignore_errors=True)
        base = run_posts_child(dict(spec, store=str(base_store)), code=Path(args.baseline).resolve())
        builds.append((f"baseline {args.baseline}", base))
        check = same_index(store, base_store)
        print(f"  baseline build: {base['seconds']:.1f}s = {base['chunks_per_s']:.1f} chunks/s; same index: {check}",
              flush=True)

    # 2. incremental: edit one post, index again; and that post alone into a fresh store
    slugs = [p.stem for p in paths]
    target = paths[len(paths) // 2]
    changed = edit_post(target)
    inc = run_posts_child(dict(spec, rebuild=False, raw_sample=0))
    incs = [("this checkout", inc)]
    if args.baseline:
        base_inc = run_posts_child(dict(spec, store=str(base_store), rebuild=False, raw_sample=0),
                                   code=Path(args.baseline).resolve())
        incs.append((f"baseline {args.baseline}", base_inc))
        inc_check = same_index(store, base_store)
        print(f"  baseline incremental: {base_inc['seconds']:.1f}s, {base_inc['embedded']} embedded; "
              f"same index after the edit: {inc_check}", flush=True)
        shutil.rmtree(base_store, ignore_errors=True)
    alone_store = work / f"store-posts-{n}-alone"
    shutil.rmtree(alone_store, ignore_errors=True)
    alone = run_posts_child({"paths": [str(target)], "store": str(alone_store), "embedder": embedder,
                             "rebuild": True, "raw_sample": 0})
    shutil.rmtree(alone_store, ignore_errors=True)
    print(f"  incremental ({changed} comments of {target.stem} edited): {inc['seconds']:.1f}s, "
          f"{inc['embedded']} embedded / {inc['reused']} reused, posts {inc['posts_computed']} computed / "
          f"{inc['posts_reused']} reused; that post alone: {alone['seconds']:.1f}s "
          f"({alone['chunks']} chunks); ratio {inc['seconds'] / alone['seconds']:.1f}", flush=True)

    # 3. warm answers through Bot.ask, embedded store
    qs = queries(args.queries)
    answers = [("embedded", ask_latency(store, slugs, qs))]
    print(f"  answers embedded: {fmt_answers(answers[-1][1])}", flush=True)

    # 4. retrieval (and answers) against a Chroma server holding the same index
    version = IndexVersion.open(store)
    from index.embed import embeddings_for_model

    retrieval = [("embedded", time_retrieval(version, embeddings_for_model(version.manifest.embedding_model), qs))]
    copy_s = None
    if not args.no_server:
        proc, url = start_chroma(work / f"chroma-posts-{n}")
        try:
            server_store = work / f"server-store-posts-{n}"
            shutil.rmtree(server_store, ignore_errors=True)
            copy_s, emb = server_copy([corpus], store, server_store, url)
            sversion = IndexVersion.open(server_store, url)
            retrieval.append(("server", time_retrieval(sversion, emb.inner, qs)))
            answers.append(("server", ask_latency(server_store, slugs, qs, chroma_url=url)))
            print(f"  answers server: {fmt_answers(answers[-1][1])}", flush=True)
        finally:
            proc.kill()
            proc.wait()
            shutil.rmtree(work / f"chroma-posts-{n}", ignore_errors=True)

    # --- tables ---------------------------------------------------------------
    print(f"\n## Blog of {n} posts, {full['chunks']:,} chunks, embedder {embedder} (2 shared cores)")
    print("\n### 1. Index build (`bot index DIR`, child process) vs the raw encoder on the same texts, same run")
    print("| code | posts | chunks | build s | build chunks/s | raw encoder chunks/s (before, after) | ratio "
          f"(target ≥ {TARGETS['ingest_ratio']}) | texts encoded | encoder s (share) | peak RSS | disk | load (start, end) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in builds:
        rate = statistics.mean(r["raw"])
        print(f"| {name} | {r['files']:,} | {r['chunks']:,} | {r['seconds']:.1f} | {r['chunks_per_s']:.1f} | "
              f"{rate:.1f} ({r['raw'][0]:.1f}, {r['raw'][1]:.1f}) | {r['chunks_per_s'] / rate:.2f} | "
              f"{r['encoded_texts']:,} ({r['encoded_texts'] / r['chunks']:.2f} per chunk) | "
              f"{r['encode_s']:.1f} ({r['encode_s'] / r['seconds']:.0%}) | {mb(r['peak_rss'])} | {mb(r['disk'])} | "
              f"{r['load'][0]}, {r['load'][1]} |")
    if check is not None:
        print(f"\nsame index as the baseline: {check}")
    print("\n### Where the build's time goes (BuildReport.stages, seconds)")
    cols = builds + [(f"incremental, {code}", r) for code, r in incs] + [("one post alone", alone)]
    names = list(dict.fromkeys(k for _, r in cols for k in r["stages"]))
    print("| stage | " + " | ".join(name for name, _ in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for stage in names:
        cells = []
        for _, r in cols:
            v = r["stages"].get(stage)
            cells.append("" if v is None else f"{v:.1f} ({v / r['seconds']:.0%})")
        print(f"| {stage} | " + " | ".join(cells) + " |")
    print("\n### 2. Incremental update of one post (child processes, same run)")
    print("| run | posts | chunks | embedded | reused | post models computed / reused | seconds | load (start, end) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    rows = [("full build", full)] + [(f"{target.stem} edited ({changed} comments), index again ({code})", r)
                                     for code, r in incs] + [(f"{target.stem} alone, fresh store", alone)]
    for name, r in rows:
        print(f"| {name} | {r['files']:,} | {r['chunks']:,} | {r['embedded']:,} | {r['reused']:,} | "
              f"{r['posts_computed']} / {r['posts_reused']} | {r['seconds']:.1f} | {r['load'][0]}, {r['load'][1]} |")
    print(f"\nincremental / one post alone: {inc['seconds'] / alone['seconds']:.1f}x "
          f"(target ≤ {TARGETS['incremental_ratio']}x); only that post re-embedded: "
          f"{inc['embedded'] <= alone['chunks'] and inc['posts_computed'] == 1}")
    print(f"\n### 3. Warm answers, Bot.ask (extractive), {len(qs)} questions each, after one warm-up question (ms)")
    print("| store | mode | p50 | p95 | target p95 | abstained | first question s | load |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for where, a in answers:
        for mode in ("scoped", "unscoped"):
            p50, p95, ld, abst, count = a[mode]
            goal = TARGETS[f"{mode}_p95_ms"]
            print(f"| {where} | {mode}{' (post=random slug)' if mode == 'scoped' else ''} | {p50:.0f} | {p95:.0f} | "
                  f"≤ {goal} {'met' if p95 <= goal else 'NOT met'} | {abst}/{count} | {a['first_s']:.1f} | {ld} |")
    print(f"\n### 4. Retrieval, k=6, {len(qs)} queries, embedded Chroma vs a Chroma server (ms, p50 / p95)")
    print("| store | hybrid | dense | bm25 | embed_query | load |")
    print("|---|---:|---:|---:|---:|---|")
    for where, t in retrieval:
        print(f"| {where} | {t['hybrid'][0]:.1f} / {t['hybrid'][1]:.1f} | {t['dense'][0]:.1f} / {t['dense'][1]:.1f} | "
              f"{t['bm25'][0]:.1f} / {t['bm25'][1]:.1f} | {t['embed_query_ms']:.1f} | {t['hybrid'][2]} |")
    if copy_s is not None:
        print(f"\nindexing the same blog into the server, vectors reused (no embedding): {copy_s:.1f}s")
    print(f"\nprojection from this run: a full build of 1,000 posts ≈ {full['seconds'] * 1000 / n / 60:.0f} min "
          f"at {full['chunks_per_s']:.0f} chunks/s")


def fmt_answers(a: dict) -> str:
    return ", ".join(f"{m} p50 {a[m][0]:.0f} ms p95 {a[m][1]:.0f} ms" for m in ("scoped", "unscoped")) + (
        f", first {a['first_s']:.1f}s, load {a['scoped'][2]}")


# --- quality: ONNX vs torch on the seed ---------------------------------------


def quality() -> None:
    import numpy as np

    from index.chunk import chunk_records
    from index.embed import PackagedEmbeddings
    from index.embed_onnx import OnnxEmbeddings
    from index.parse import parse_file

    text = DEFAULT_SEED.read_text(encoding="utf-8")
    texts = [c.text for c in chunk_records(text, parse_file(DEFAULT_SEED))]
    torch_e, onnx_e = PackagedEmbeddings(), OnnxEmbeddings()
    a, b = np.array(torch_e.embed_documents(texts)), np.array(onnx_e.embed_documents(texts))
    cos = (a * b).sum(axis=1)
    qs = QUESTIONS
    overlaps, top1 = [], 0
    for q in qs:
        ta = np.argsort(-(a @ np.array(torch_e.embed_query(q))))[:5]
        tb = np.argsort(-(b @ np.array(onnx_e.embed_query(q))))[:5]
        overlaps.append(len(set(ta) & set(tb)) / 5)
        top1 += ta[0] == tb[0]
    qcos = [float(np.dot(torch_e.embed_query(q), onnx_e.embed_query(q))) for q in qs]
    print(f"\n## ONNX int8 vs torch on the seed ({len(texts)} chunks, {len(qs)} queries)   load {load()}")
    print(f"chunk cosine(torch, onnx): mean {cos.mean():.4f}  min {cos.min():.4f}")
    print(f"query cosine(torch, onnx): mean {np.mean(qcos):.4f}  min {np.min(qcos):.4f}")
    print(f"top-5 overlap: mean {np.mean(overlaps):.3f}  min {np.min(overlaps):.2f}   same top-1: {top1}/{len(qs)}")


# --- parser fuzz --------------------------------------------------------------

_NOISE = ["\n", "\r\n", "\t", " ", "  • ", "    • X\n", "•", "\u200b", "\u0000", "\x0b", "\x1b[31m", "<b>", "**",
          "1) ", "é", "🙂", "\u2028", "\ufeff", "\r", "  ", "# ", "- ", "\u0301"]


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        i = rng.randrange(len(text) + 1)
        j = min(len(text), i + rng.randint(0, 400))
        if op == 0:
            text = text[:i] + text[j:]
        elif op == 1:
            text = text[:i] + rng.choice(_NOISE) * rng.randint(1, 3) + text[i:]
        elif op == 2:
            text = text[:i] + "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randint(1, 20))) + text[i:]
        elif op == 3:
            text = text[:i] + text[i:j] + text[i:j] + text[j:]
        elif op == 4:
            lines = text.split("\n")
            k = rng.randrange(len(lines))
            lines[k] = " " * rng.randint(0, 8) + lines[k].lstrip()
            text = "\n".join(lines)
        elif op == 5:
            text = text[:j]
        else:
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines[: rng.randint(1, len(lines))])
    return text


def fuzz(seconds: float, seed: int = 0) -> None:
    from index.errors import InputError
    from index.parse import parse_text

    rng = random.Random(seed)
    base = DEFAULT_SEED.read_text(encoding="utf-8")
    comments_at = base.index("  •")
    tried = rejected = records = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kind = rng.random()
        if kind < 0.7:
            text = mutate(rng, base)
        elif kind < 0.85:  # a small piece around the comment region: fast, dense in edge cases
            s = rng.randrange(max(1, comments_at - 500), len(base))
            text = mutate(rng, base[s - 300 : s + rng.randint(50, 2000)])
        else:
            text = "".join(rng.choice(_NOISE + ["word ", "Jess\n", ".", "  "]) for _ in range(rng.randint(0, 300)))
        tried += 1
        try:
            got = parse_text(text, doc="fuzz")
        except InputError:
            rejected += 1
            continue
        ids = set()
        for r in got:
            assert 0 <= r.start <= r.end <= len(text), (r.id, r.start, r.end)
            assert text[r.start : r.end] == r.text, (seed, tried, r.id)
            assert r.id not in ids, (seed, tried, r.id)
            ids.add(r.id)
        for a, b in zip(got, got[1:]):
            assert a.end <= b.start or a.start == a.end, (a.id, b.id)
        records += len(got)
    print(f"fuzz: {tried} inputs in {seconds:.0f}s ({tried / seconds:.0f}/s), {rejected} rejected with InputError, "
          f"{records} records, every span exact   load {load()}")


# --- main ---------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated comment counts (default 1000,10000)")
    ap.add_argument("--embedders", default="onnx-int8,torch",
                    help="which embedders to ingest with: onnx-int8, torch, approx (sentence-mean vectors, see "
                         "SentenceMeanEmbeddings: for retrieval timings at sizes too big to embed)")
    ap.add_argument("--torch-max", type=int, default=10000, help="skip torch ingests above this size")
    ap.add_argument("--raw-sample", type=int, default=1000, help="texts for the raw encode throughput")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--no-server", action="store_true", help="skip the Chroma server timings")
    ap.add_argument("--quality", action="store_true", help="only: ONNX vs torch agreement on the seed")
    ap.add_argument("--fuzz", type=float, metavar="SECONDS", help="only: fuzz the parser for SECONDS")
    ap.add_argument("--work", metavar="DIR", help="keep corpora and stores here (default: a temp dir)")
    ap.add_argument("--posts", type=int, metavar="N",
                    help=f"only: a blog of N posts ({POST_COMMENTS} comments, ~100 chunks each): full build vs raw "
                         "encoder, incremental update of one post, Bot.ask latency scoped/unscoped, embedded vs server")
    ap.add_argument("--embedder", default="onnx-int8", choices=("onnx-int8", "torch"), help="with --posts")
    ap.add_argument("--baseline", metavar="CHECKOUT",
                    help="with --posts: also build with the code of another checkout (e.g. `git worktree add` of the "
                         "commit before an optimisation), same corpus, same run, and check both indexes are the same")
    ap.add_argument("--answers-only", action="store_true",
                    help="with --posts N --work DIR: only time answers and retrieval on the store an earlier --posts "
                         "run left in DIR, for this checkout and --baseline, in turns")
    ap.add_argument("--_ingest", help=argparse.SUPPRESS)
    ap.add_argument("--_posts", help=argparse.SUPPRESS)
    ap.add_argument("--_answers", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args._ingest:
        print(json.dumps(ingest_child(json.loads(args._ingest))))
        return
    if args._posts:
        print(json.dumps(posts_child(json.loads(args._posts))))
        return
    if args._answers:
        print(json.dumps(answers_child(json.loads(args._answers))))
        return
    if args.fuzz:
        fuzz(args.fuzz)
        return
    if args.quality:
        quality()
        return

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-scale-"))
    print(f"work dir {work}; cores {os.cpu_count()}; load at start {os.getloadavg()}")
    if args.posts:
        if args.raw_sample == 1000:
            args.raw_sample = 2000
        work.mkdir(parents=True, exist_ok=True)
        if args.answers_only:
            run_answers_only(args, work)
            return
        run_posts(args, work)
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
        return
    from index.embed import embeddings_for_model
    from index.store import IndexVersion

    ingest_rows, retrieval_rows = [], []
    qs = queries(args.queries)
    for size in [int(s) for s in args.sizes.split(",")]:
        t = time.perf_counter()
        paths = generate_corpus(size, work / f"corpus-{size}")
        print(f"\ncorpus {size}: {len(paths)} files in {time.perf_counter() - t:.1f}s", flush=True)
        for embedder in args.embedders.split(","):
            if embedder == "torch" and size > args.torch_max:
                print(f"  skip torch at {size} (--torch-max {args.torch_max})")
                continue
            store = work / f"store-{size}-{embedder}"
            r = run_ingest(paths, store, embedder, args.raw_sample)
            ingest_rows.append((size, embedder, r))
            print(f"  ingest {embedder}: {r['chunks']} chunks in {r['seconds']:.1f}s = {r['chunks_per_s']:.1f} chunks/s; "
                  f"raw torch {r['raw']['torch']:.1f}/s, raw onnx {r['raw']['onnx-int8']:.1f}/s; "
                  f"peak RSS {mb(r['peak_rss'])}; disk {mb(r['disk'])}; load {r['load']}", flush=True)

            version = IndexVersion.open(store)
            embeddings = embeddings_for_model(version.manifest.embedding_model)
            timing = time_retrieval(version, embeddings, qs)
            retrieval_rows.append((version.manifest.chunks, embedder, "embedded", timing))
            print(f"  retrieval embedded: {fmt_timing(timing)}", flush=True)
            if not args.no_server:
                proc, url = start_chroma(work / f"chroma-{size}-{embedder}")
                try:
                    seconds, emb = server_copy(paths, store, work / f"server-store-{size}-{embedder}", url)
                    sversion = IndexVersion.open(work / f"server-store-{size}-{embedder}", url)
                    timing = time_retrieval(sversion, emb.inner, qs)
                    timing["write_s"] = seconds
                    retrieval_rows.append((sversion.manifest.chunks, embedder, "server", timing))
                    print(f"  retrieval server: {fmt_timing(timing)} (index into server, no embedding: {seconds:.1f}s)",
                          flush=True)
                finally:
                    proc.kill()
                    proc.wait()
                    shutil.rmtree(work / f"chroma-{size}-{embedder}", ignore_errors=True)

    print("\n## Ingest (build_index: parse, chunk, embed, Chroma + BM25 write; child process)")
    print("| comments | chunks | embedder | build chunks/s | raw torch encode/s | raw onnx encode/s | peak RSS | disk | load (start, end) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for size, embedder, r in ingest_rows:
        print(f"| {size:,} | {r['chunks']:,} | {embedder} | {r['chunks_per_s']:.1f} | {r['raw']['torch']:.1f} | "
              f"{r['raw']['onnx-int8']:.1f} | {mb(r['peak_rss'])} | {mb(r['disk'])} | {r['load'][0]}, {r['load'][1]} |")
    print(f"\n## Retrieval, k=6, {len(qs)} queries (ms, p50 / p95; query embedding included)")
    print("| chunks | embedder | store | hybrid | dense | bm25 | embed_query | load |")
    print("|---:|---|---|---:|---:|---:|---:|---|")
    for chunks, embedder, where, t in retrieval_rows:
        print(f"| {chunks:,} | {embedder} | {where} | {t['hybrid'][0]:.1f} / {t['hybrid'][1]:.1f} | "
              f"{t['dense'][0]:.1f} / {t['dense'][1]:.1f} | {t['bm25'][0]:.1f} / {t['bm25'][1]:.1f} | "
              f"{t['embed_query_ms']:.1f} | {t['hybrid'][2]} |")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def fmt_timing(t: dict) -> str:
    return ", ".join(f"{m} p50 {t[m][0]:.1f} ms p95 {t[m][1]:.1f} ms" for m in ("hybrid", "dense", "bm25")) + (
        f", embed_query {t['embed_query_ms']:.1f} ms, load {t['hybrid'][2]}")


if __name__ == "__main__":
    main()
