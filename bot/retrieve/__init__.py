"""2. Looking it up: hybrid retrieval routed by intent (hybrid.py: dense + BM25 + sentences, the reply
graph), and whether the post covers the question at all (abstain.py)."""
