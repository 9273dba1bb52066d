"""Local models: the catalog of packaged GGUF files (catalog.py) and the in-process server (server.py)."""
