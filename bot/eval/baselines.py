"""The baselines every eval run compares against, as a user would build them.

- ``TutorialBaseline``: the LangChain RAG tutorial recipe: RecursiveCharacterTextSplitter(1000, 200)
  over the raw file, Chroma (a tmp dir) with the same packaged embeddings, similarity_search(k=4).
- ``Bm25Baseline``: plain BM25 (bm25s, the same tokenizer as ours) over the same 1000-character chunks, k=4.

Both hand their chunks to the same generator, with no verification, abstention or follow-up
condensing. Their chunks are mapped to record ids by character-span overlap: a chunk covers a
record when they share at least min(len(record), 50) characters.
"""

from __future__ import annotations

from pathlib import Path

TUTORIAL_K = 4  # the tutorial's similarity_search default; the BM25 baseline gets the same amount of text
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200


def split_1000(text: str, source: Path):
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
    return splitter.split_documents([Document(page_content=text, metadata={"source": str(source)})])


class _Chunked:
    def __init__(self, source: Path, records, doc: str):
        self.text = source.read_text(encoding="utf-8")
        self.records = [r for r in records if r.end > r.start]
        self.doc = doc
        self.docs = split_1000(self.text, source)
        self.chunks = len(self.docs)

    def covered(self, start: int, end: int) -> list:
        return [r for r in self.records if min(end, r.end) - max(start, r.start) >= min(r.end - r.start, 50)]

    def _source(self, rank: int, content: str, start: int, score: float, dense: float | None):
        from bot.answer import Source

        end = start + len(content)
        recs = self.covered(start, end)
        kinds = [r.kind for r in recs] or ["article"]
        authors = {r.author for r in recs if r.kind == "comment"}
        return Source(rank=rank, chunk_id=f"{self.doc}/baseline#{start}", doc=self.doc,
                      kind=max(set(kinds), key=kinds.count), text=content, start=start, end=end, score=score,
                      dense=dense, record_ids=tuple(r.id for r in recs), author=authors.pop() if len(authors) == 1 else None)


class TutorialBaseline(_Chunked):
    name = "langchain-tutorial"

    def __init__(self, source: Path, records, doc: str, embeddings, workdir: Path):
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        super().__init__(source, records, doc)
        self.store = Chroma(
            collection_name="tutorial",
            embedding_function=embeddings,
            persist_directory=str(workdir),
            client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True, persist_directory=str(workdir)),
        )
        self.store.add_documents(self.docs, ids=[f"tutorial#{i}" for i in range(len(self.docs))])

    def search(self, query: str, k: int = TUTORIAL_K):
        return [self._source(rank, doc.page_content, int(doc.metadata["start_index"]), 1.0 - float(d), 1.0 - float(d))
                for rank, (doc, d) in enumerate(self.store.similarity_search_with_score(query, k=k), 1)]


class Bm25Baseline(_Chunked):
    name = "bm25-1000"

    def __init__(self, source: Path, records, doc: str, embeddings=None, workdir: Path | None = None):
        from index.bm25 import LexicalIndex

        super().__init__(source, records, doc)
        self.index = LexicalIndex.build([str(i) for i in range(len(self.docs))], [d.page_content for d in self.docs])

    def search(self, query: str, k: int = TUTORIAL_K):
        out = []
        for rank, (i, score) in enumerate(self.index.search(query, k), 1):
            doc = self.docs[int(i)]
            out.append(self._source(rank, doc.page_content, int(doc.metadata["start_index"]), score, None))
        return out


BASELINES = {TutorialBaseline.name: TutorialBaseline, Bm25Baseline.name: Bm25Baseline}
