"""`bot index`: parse, chunk, embed and store, atomically and incrementally.

Everything that can fail on bad input (reading every file, parsing every new or
changed one) runs before anything is written. Each post has its own folder in a
version (index/segment.py), named by a key of everything it depends on: a post
whose key is unchanged is hard-linked from the previous version, neither parsed
nor read. A changed post is parsed and chunked again; its chunks whose text is
unchanged reuse their vectors instead of being embedded again. When nothing
changed at all, nothing is written.

The store folder always gets a complete index. With --chroma-url that version is
then published to the server (index/server.py), unless the server already has it;
vectors are reused from the server's version when the folder has none.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import segment
from .bm25 import LexicalIndex
from .chunk import Chunk, chunk_records
from .config import DEFAULT_SEED, Settings
from .embed import PackagedEmbeddings, make_embeddings
from .errors import IndexDamaged, IndexIncomplete, InputError, ServerUnreachable, StoreError
from .lexical import lexical_text, tokenize
from .packaged_model import MODEL_NAME
from .parse import Record, parse_text, read_source, slugify
from .sentences import normalise, sentence_spans
from .understand import posts
from .store import COLLECTION, IndexVersion, StoreLayout, chroma_client
from .understand.model import ANNOTATOR
from .version import SCHEMA, BaseIndexVersion, Manifest

ADD_BATCH = 2000


@dataclass
class BuildReport:
    store: Path
    version: str
    documents: int
    records: int
    chunks: int
    embedded: int  # chunks embedded in this run
    reused: int  # chunks whose vectors came from the previous index
    changed: bool
    seconds: float
    server: str | None = None  # the Chroma server published to (--chroma-url)
    published: bool = False  # False with a server: it already served this index
    understood: dict | None = None  # the post models: computed / reused posts, reviewed files, seconds
    stages: dict | None = None  # seconds per stage of this build (Stages), for benchmarks/bench_scale.py


    def summary(self) -> str:
        if not self.changed:
            line = f"index is up to date: {self.chunks} chunks from {self.documents} document(s) in {self.store}"
        else:
            line = (
                f"indexed {self.documents} document(s): {self.records} records, {self.chunks} chunks "
                f"({self.embedded} embedded, {self.reused} reused) in {self.seconds:.1f}s -> {self.store}"
            )
        if self.understood:
            u = self.understood
            done = [f"{len(u['computed'])} computed" if u["computed"] else "", f"{len(u['reused'])} unchanged" if u["reused"] else ""]
            line += (f"\nunderstood {len(u['computed']) + len(u['reused'])} post(s) ({', '.join(d for d in done if d)}) "
                     f"with rules and the {u.get('encoder', 'packaged')} sentence encoder, no language model, in {u['seconds']:.1f}s; "
                     + (f"reviewed labels from {', '.join(u['reviewed'])}" if u["reviewed"] else
                        "no reviewed labels (`bot annotate POST --export FILE` writes them for review)"))
        if self.server is None:
            return line
        if self.published:
            return f"{line}; published {self.version} to the Chroma server at {self.server}"
        return f"{line}; the Chroma server at {self.server} already serves it, nothing published"


@dataclass
class PostFile:
    """One post as a build sees it: read always; parsed, chunked and written only when its key is new."""
    doc: str  # its slug
    path: str
    text: str
    key: str = ""  # index/segment.py: of everything its folder depends on
    records: list[Record] = field(default_factory=list)  # posts written anew only
    chunks: list[Chunk] = field(default_factory=list)  # posts written anew only
    tokens: list[list[str]] = field(default_factory=list)  # its chunks' BM25 tokens: posts written anew only
    n_records: int = 0
    n_chunks: int = 0


class Stages:
    """Wall seconds per build stage, in order (read and parse, chunk, embed chunks, sentence bank, ...).

    Costs nothing worth measuring; the report carries them so a scale run can say where the time went."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(self.seconds.get(name, 0.0) + now - self._last, 3)
        self._last = now


def build_index(
    paths: list[str | Path] | None,
    settings: Settings,
    rebuild: bool = False,
    embeddings: PackagedEmbeddings | None = None,
    progress: bool = True,
    break_lock: bool = False,
) -> BuildReport:
    started = time.perf_counter()
    stages = Stages()
    post_files = _posts_in([Path(p) for p in (paths or [DEFAULT_SEED])])
    documents = _read_all(post_files)
    reviewed = _reviewed_files(post_files, settings)
    embeddings = embeddings or make_embeddings(settings.embedder)
    stages.lap("read")

    layout = StoreLayout(settings.store_dir)
    layout.check_ours()
    if settings.chroma_url:  # fail before spending minutes on embeddings
        from .server import ChromaServer

        ChromaServer(settings.chroma_url).check()
    with layout.writer_lock():
        report = _build_locked(layout, documents, settings, rebuild, embeddings, progress, started, reviewed, stages)
        if settings.chroma_url:
            report.server = settings.chroma_url
            report.published = _publish(layout, report, settings, settings.chroma_url, rebuild, progress, break_lock)
            stages.lap("publish to server")
    _export_query_model(embeddings, settings)
    stages.lap("export query model")
    report.stages = stages.seconds
    return report


def _export_query_model(embeddings, settings: Settings) -> None:
    """Torch is at hand now: export the model once to ONNX, so answering embeds questions without it."""
    if type(embeddings) is not PackagedEmbeddings or embeddings.model_name != MODEL_NAME:
        return  # another model (int8 ONNX, a test double): answering uses that one as it is
    from .config import models_dir
    from .embed_export import export

    export(models_dir(settings))


def _publish(layout: StoreLayout, report: BuildReport, settings: Settings, url: str, rebuild, progress,
             break_lock) -> bool:
    from .publish import publish

    try:
        return publish(
            IndexVersion(layout.root / report.version), url,
            force=rebuild, wait=settings.lock_wait, break_lock=break_lock, progress=progress,
        )
    except ServerUnreachable as exc:
        raise ServerUnreachable(
            f"{exc} The index in {layout.root} is built; the server still serves what it served before. "
            f"Run `bot index --chroma-url {url}` again to publish it."
        ) from None


def _build_locked(layout, documents, settings, rebuild, embeddings, progress, started, reviewed=(),
                  stages: Stages | None = None) -> BuildReport:
    stages = stages or Stages()
    previous: BaseIndexVersion | None = None if rebuild else _open_previous(layout)
    model = embeddings.model_name
    content = _keys(documents, settings, model, reviewed)
    stages.lap("content hash")
    if previous is not None and previous.manifest.content == content:
        return BuildReport(layout.root, previous.path.name, len(documents), previous.manifest.records,
                           previous.manifest.chunks, 0, previous.manifest.chunks, False, 0.0)
    if previous is None and settings.chroma_url and not rebuild:
        previous = _server_previous(settings.chroma_url, layout.root)  # only to reuse its vectors
    version = f"v-{content[:12]}-{uuid.uuid4().hex[:6]}"

    # posts the previous version holds under the same key: their folders are linked, their vectors stay in its
    # Chroma folder (which this build copies); the others are parsed, chunked and embedded where their text is new
    linked = _linkable(previous, model)
    kept = [d for d in documents if linked.get(d.doc, {}).get("key") == d.key]
    fresh = [d for d in documents if linked.get(d.doc, {}).get("key") != d.key]
    for post in kept:
        post.n_records, post.n_chunks = linked[post.doc]["records"], linked[post.doc]["chunks"]
    for post in fresh:
        post.records = parse_text(post.text, doc=post.doc, name=post.path)
        post.chunks = chunk_records(post.text, post.records, settings.chunk_tokens, settings.overlap_tokens)
        post.tokens = [tokenize(lexical_text(c)) for c in post.chunks]
        post.n_records, post.n_chunks = len(post.records), len(post.chunks)
    chunks = [c for post in fresh for c in post.chunks]
    stages.lap("parse and chunk")

    # what the previous version holds of the posts written anew (changed, or gone): reused by text, replaced in Chroma
    old = _old_chunks(previous, {d.doc for d in kept})
    held = {c.key for c in chunks if c.key in old and old[c.key].digest == c.digest} if _copyable(previous, model) else set()
    reused = _reusable_vectors(previous, [c for c in chunks if c.key not in held], old, model)
    todo = [c for c in chunks if c.key not in reused and c.key not in held]
    vectors = dict(reused)
    stages.lap("reuse vectors")
    vectors.update(_embed(todo, embeddings, progress))
    stages.lap("embed chunks")
    banks = _sentence_banks(fresh, previous, embeddings, progress, enabled=settings.sentence_vectors)
    stages.lap("sentence bank")
    models, understood = _understand(fresh, kept, previous, embeddings, banks, reviewed)
    stages.lap("post models")

    build_dir = layout.new_build_dir()
    try:
        for post in kept:
            segment.link(previous.path, build_dir, post.doc)  # type: ignore[union-attr]  # kept: a local previous
        for post in fresh:
            segment.write(build_dir, post.doc, post.text, post.records, post.chunks, post.tokens, banks[post.doc],
                          models[post.doc])
        stages.lap("write posts")
        _write_version(build_dir, version, content, documents, fresh, old, vectors, settings, model, stages, previous)
        layout.publish(build_dir, version)
        stages.lap("swap")
    except OSError as exc:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise StoreError(f"could not write the index to {layout.root} ({exc.strerror or exc}). Free space or fix permissions, then run `bot index` again; the previous index is untouched.") from None
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    total = sum(d.n_chunks for d in documents)
    return BuildReport(
        layout.root, version, len(documents), sum(d.n_records for d in documents), total, len(todo),
        total - len(todo), True, time.perf_counter() - started, understood=understood,
    )


def _keys(documents: list[PostFile], settings: Settings, model: str, reviewed) -> str:
    """Each post's key (index/segment.py), into ``PostFile.key``; the index's content hash, from them."""
    shared = [SCHEMA, model, settings.chunk_tokens, settings.overlap_tokens, settings.sentence_vectors, ANNOTATOR]
    h = hashlib.sha1(json.dumps(shared).encode())
    for post in documents:
        post.key = segment.post_key(post.doc, post.text, shared, [f for f in reviewed if f["doc"] == post.doc])
        h.update(f"{post.doc}\0{post.key}\0".encode())
    return h.hexdigest()


def _linkable(previous: BaseIndexVersion | None, model: str) -> dict[str, dict]:
    """The manifest entry (key, counts) of each post the previous version holds in its own folder, when that
    version is on this machine in this layout with this model (its Chroma folder is copied: those posts'
    vectors come along)."""
    if previous is None or not _copyable(previous, model) or not getattr(previous, "per_post", False):
        return {}
    return {d["doc"]: d for d in previous.manifest.documents if d.get("key")}


def _old_chunks(previous: BaseIndexVersion | None, kept: set[str]) -> dict[str, Chunk]:
    """The previous version's chunks of every post not kept as it is (changed or gone)."""
    if previous is None:
        return {}
    docs = [d["doc"] for d in previous.manifest.documents if d["doc"] not in kept]
    return {key: c for doc in docs for key, c in previous.post_chunks(doc).items()}


def _reviewed_files(paths: list[Path], settings: Settings) -> list[dict]:
    """The reviewed-label files for these posts, read once now (a bad one fails before any work); the
    content hash and the post models use what was read here."""
    files = [] if not settings.reviewed_defaults else posts.default_reviewed(paths)
    files += [Path(p) for p in settings.reviewed if Path(p) not in files]
    for path in files:
        if not Path(path).is_file():
            raise InputError(f"no reviewed-labels file at {path}. Check the --reviewed path.")
    return [posts.load_reviewed(path) for path in files]


def _understand(fresh: list[PostFile], kept: list[PostFile], previous, embeddings, banks, reviewed) -> tuple[dict, dict]:
    """The model of each post written anew (index/understand), as its folder stores it:
    ``{doc: {"annotator", "served", "computed"}}``; and the report (kept posts count as reused).
    Sentence vectors come from the banks just built."""
    import numpy as np

    row = {t: v for texts, matrix in banks.values() for t, v in zip(texts, matrix)}
    # The annotator asks for the same lists again for every post (its prototype phrases, ~30 texts):
    # a list already embedded in this build is embedded once. Same call, same batch: same vectors.
    done: dict[tuple[str, ...], list] = {}

    def embed(sentences: list[str]):
        missing = [t for t in sentences if normalise(t) not in row]
        key = tuple(missing)
        if missing and key not in done:
            done[key] = embeddings.embed_documents(missing)
        fresh_vectors = dict(zip(missing, done[key])) if missing else {}
        out = [fresh_vectors[t] if t in fresh_vectors else row[normalise(t)] for t in sentences]
        return np.asarray(out, dtype=np.float32)

    old: dict = {"annotator": ANNOTATOR, "computed": {}}
    if previous is not None:
        for post in fresh:
            try:
                stored = previous.post_model(post.doc)
            except StoreError:
                stored = None
            if stored and stored.get("annotator") == ANNOTATOR:
                old["computed"][post.doc] = stored["computed"]
    served, extra = posts.understand(fresh, embed, embeddings.model_name, old, reviewed)
    report = extra["report"]
    report["reused"] += [d.doc for d in kept]
    report["encoder"] = embeddings.model_name
    models = {d.doc: {"annotator": ANNOTATOR, "served": served.posts[d.doc].to_dict(),
                      "computed": extra["computed"][d.doc]} for d in fresh}
    return models, report


def _posts_in(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the posts in it (its *.txt files, by name)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not found:
                raise InputError(f"{path}: a folder with no .txt posts in it. Pass post files, or a folder of them.")
            out += found
        else:
            out.append(path)
    return out


def _read_all(paths: list[Path]) -> list[PostFile]:
    documents: list[PostFile] = []
    seen: dict[str, Path] = {}
    for path in paths:
        doc = slugify(path.stem)
        if doc in seen:
            raise InputError(f"{path} and {seen[doc]} would both be indexed as '{doc}'. Rename one of them.")
        seen[doc] = path
        documents.append(PostFile(doc, str(path), read_source(path)))
    return documents


def _open_previous(layout: StoreLayout) -> IndexVersion | None:
    try:
        version = layout.current_version()
    except (IndexDamaged, IndexIncomplete):
        raise  # their message already says: run `bot index --rebuild`
    except StoreError as exc:
        raise StoreError(f"{exc} (or `bot index --rebuild` to replace it)") from None
    return IndexVersion(layout.root / version) if version else None


def _server_previous(url: str, store_dir: Path) -> BaseIndexVersion | None:
    """The server's current version, when this folder has none: its vectors can be reused."""
    from .server import ServerPointer

    try:
        return ServerPointer(url, store_dir).open()
    except ServerUnreachable:
        raise
    except StoreError:  # nothing there, half there, or from another schema: embed everything
        return None


def _copyable(previous: BaseIndexVersion | None, model: str) -> bool:
    return (isinstance(previous, IndexVersion) and (previous.path / "chroma").is_dir()
            and previous.manifest.embedding_model == model)


def _reusable_vectors(previous: BaseIndexVersion | None, chunks: list[Chunk], old: dict[str, Chunk],
                      model: str) -> dict[str, list[float]]:
    """Vectors of the previous index for chunks it already embedded (``old``: its chunks of the posts written
    anew): by key and digest, else by the very text that is embedded (``embed_text``). A vector depends on
    that text alone, and an edit to one comment moves the offsets, hence the digests, of every chunk after
    it in that post."""
    if previous is None or previous.manifest.embedding_model != model:
        return {}
    try:
        by_text: dict[str, str] = {}
        for key, c in old.items():
            by_text.setdefault(c.embed_text, key)
        source = {}  # new key -> the old key whose vector it takes
        for c in chunks:
            if c.key in old and old[c.key].digest == c.digest:
                source[c.key] = c.key
            elif c.embed_text in by_text:
                source[c.key] = by_text[c.embed_text]
        got = previous.embeddings_for(sorted(set(source.values())))
        return {new: got[was] for new, was in source.items() if was in got}
    except StoreError:
        return {}


def _embed(chunks: list[Chunk], embeddings: PackagedEmbeddings, progress: bool) -> dict[str, list[float]]:
    if not chunks:
        return {}
    from tqdm import tqdm

    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress, file=sys.stderr) as bar:
        vectors = embeddings.embed_documents([c.embed_text for c in chunks], on_batch=bar.update)
    return {c.key: v for c, v in zip(chunks, vectors)}


def _sentence_banks(fresh: list[PostFile], previous, embeddings, progress: bool, enabled: bool = True) -> dict:
    """Vectors of every sentence of every chunk of each post written anew, so answers need no embedding work:
    ``{doc: (texts, float16 matrix)}``.

    The extractive composer and the citation verifier score sentences against the
    question; with this bank they only need the query vector. Sentences the previous
    version holds for that post keep their vectors.
    """
    import numpy as np
    from tqdm import tqdm

    if not enabled:  # big corpora: answers embed their candidate sentences on demand instead
        return {d.doc: ([], np.zeros((0, 0), np.float16)) for d in fresh}
    texts = {
        d.doc: list(dict.fromkeys(
            normalise(d.text[c.start + s : c.start + e])
            for c in d.chunks
            for s, e in sentence_spans(d.text[c.start : c.end])
        ))
        for d in fresh
    }
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.manifest.embedding_model == embeddings.model_name:
        for doc in fresh:
            try:
                bank = previous.post_bank(doc.doc)
            except StoreError:
                continue
            known.update((t, bank[t]) for t in texts[doc.doc] if t in bank)
    todo = list(dict.fromkeys(t for got in texts.values() for t in got if t not in known))
    if todo:
        with tqdm(total=len(todo), desc="embedding sentences", unit="sent", disable=not progress, file=sys.stderr) as bar:
            for text, vec in zip(todo, embeddings.embed_documents(todo, on_batch=bar.update)):
                known[text] = np.asarray(vec, dtype=np.float16)
    dim = len(next(iter(known.values()))) if known else 0
    return {doc: (got, np.stack([known[t] for t in got]).astype(np.float16) if got else np.zeros((0, dim), np.float16))
            for doc, got in texts.items()}


def _write_vectors(folder: Path, chunks: list[Chunk], vectors, previous: BaseIndexVersion | None, model: str,
                   old: dict[str, Chunk]) -> None:
    """The chunk vectors into the new version's Chroma. After an edit, a copy of the previous version's Chroma
    folder with only what changed applied: the chunks of changed or gone posts (``old``) that are gone are
    deleted, new or changed ones (by digest) written; a one-post edit in a blog of 1,000 posts no longer re-adds
    100,000 vectors. A first build, a version on a Chroma server, or another embedding model: every vector
    is added (``chunks`` is then every chunk)."""
    if previous is not None and _copyable(previous, model):
        shutil.copytree(previous.path / "chroma", folder)
        collection = chroma_client(folder).get_collection(COLLECTION)
        keep = {c.key for c in chunks}
        gone = [key for key in old if key not in keep]
        for i in range(0, len(gone), ADD_BATCH):
            collection.delete(ids=gone[i : i + ADD_BATCH])
        changed = [c for c in chunks if c.key not in old or old[c.key].digest != c.digest]
        if any(c.key not in vectors for c in changed):  # the chunk list says it holds them; its Chroma does not
            raise IndexDamaged(f"the index in {previous.path} lacks vectors its chunk list names. "
                               "Run `bot index --rebuild` to rebuild it from the posts.")
        write = collection.upsert
    else:
        collection = chroma_client(folder).create_collection(COLLECTION, metadata={"hnsw:space": "cosine"})
        changed, write = chunks, collection.add
    for i in range(0, len(changed), ADD_BATCH):
        batch = changed[i : i + ADD_BATCH]
        write(
            ids=[c.key for c in batch],
            documents=[c.text for c in batch],
            metadatas=[c.metadata() for c in batch],
            embeddings=[vectors[c.key] for c in batch],
        )


def _write_version(build_dir: Path, version: str, content: str, documents: list[PostFile], fresh: list[PostFile], old: dict[str, Chunk], vectors, settings: Settings, model: str,
                   stages: Stages, previous: BaseIndexVersion | None) -> None:
    """What spans the posts (the Chroma collection, BM25, the manifest), around the posts' folders already written."""
    chunks = [c for doc in fresh for c in doc.chunks]
    _write_vectors(build_dir / "chroma", chunks, vectors, previous, model, old)
    stages.lap("chroma add")
    ids: list[str] = []
    tokens: list[list[str]] = []
    written = {post.doc for post in fresh}
    for doc in documents:  # each post's BM25 tokens: just made, or as a linked post's folder keeps them
        got_ids, got_tokens = (([c.key for c in doc.chunks], doc.tokens) if doc.doc in written
                               else segment.read_lexical(build_dir, doc.doc))
        ids += got_ids
        tokens += got_tokens
    LexicalIndex.from_tokens(ids, tokens).save(build_dir / "lexical")
    stages.lap("bm25")

    dimension = len(next(iter(vectors.values()))) if vectors else (previous.manifest.dimension if previous is not None else 0)
    Manifest(
        schema=SCHEMA,
        version=version,
        content=content,
        embedding_model=model,
        dimension=dimension,
        chunk_tokens=settings.chunk_tokens,
        overlap_tokens=settings.overlap_tokens,
        documents=[
            {"doc": d.doc, "path": d.path, "chars": len(d.text),
             "sha1": hashlib.sha1(d.text.encode("utf-8")).hexdigest(), "key": d.key,
             "records": d.n_records, "chunks": d.n_chunks}
            for d in documents
        ],
        chunks=sum(d.n_chunks for d in documents),
        records=sum(d.n_records for d in documents),
    ).write(build_dir / "manifest.json")
