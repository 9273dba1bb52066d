"""Generators: turn a question and ranked sources into a draft with [n] markers."""

from bot.generate.factory import make_generator

__all__ = ["make_generator"]
