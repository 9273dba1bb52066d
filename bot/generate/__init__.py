"""Generators: turn a question and ranked sources into a draft with [n] markers."""

from .factory import FORMS, make_generator

__all__ = ["FORMS", "make_generator"]
