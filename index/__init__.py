"""The write path (parse -> chunk -> embed -> build -> store) and the core both paths share.

    shared core    errors.py (the exception tree), config.py (settings, read in one place),
                   parse.py's Record (exact spans), sentences.py (sentence spans), lexical.py
                   (the tokenizer), version.py / store.py / server.py (reading a published index:
                   IndexVersion, ServerIndexVersion, their base),
                   bundled/ (the data shipped with the code)
    write path     parse.py -> chunk.py -> embed*.py -> build.py -> segment.py (a folder per post), bm25.py,
                   store.py / publish.py
    read path      bot/ (question -> intent -> retrieve -> compose -> generate -> cite, safety around it)

Importing this package is cheap; models and stores load on first use.
"""

from .build import BuildReport, build_index
from .chunk import Chunk, chunk_records
from .config import Settings, load_settings
from .errors import BotError, InputError, StoreError
from .parse import NO_AUTHOR, Record, parse_file, parse_text

__all__ = [
    "BotError", "BuildReport", "Chunk", "InputError", "NO_AUTHOR", "Record",
    "Settings", "StoreError", "build_index", "chunk_records", "load_settings", "parse_file", "parse_text",
]
