"""The write path: parse -> chunk -> embed -> store.

Importing this package is cheap; models and stores load on first use.
"""

from .build import BuildReport, build_index
from .chunk import Chunk, chunk_records
from .config import Settings, load_settings
from .errors import BotError, GeneratorError, InputError, StoreError
from .parse import NO_AUTHOR, Record, parse_file, parse_text

__all__ = [
    "BotError", "BuildReport", "Chunk", "GeneratorError", "InputError", "NO_AUTHOR", "Record",
    "Settings", "StoreError", "build_index", "chunk_records", "load_settings", "parse_file", "parse_text",
]
