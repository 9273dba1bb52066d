"""The posts an index holds, as every door lists them, and the one check of a post's slug.

    posts_in(version)            -> [Post(slug, title, comments)], in slug order (as `bot posts` lists them)
    check_post(slug, posts)      raises InputError naming the choices when the slug is not one of them

A scoped question (``Bot(post=...)``, ``ask(post=...)``, the web chat's picker or ``?post=``, the HTTP
API's ``"post"`` field or ``<generator>:<slug>`` model, the MCP tool's ``post``) answers from that
post only; the error for an unknown slug is the one ``Filters.parse`` raises, whichever door asked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from bot.retrieve.hybrid import Filters


@dataclass(frozen=True)
class Post:
    slug: str  # the post's file name without .txt, slugified (``Record.doc``, ``Citation.doc``)
    title: str  # from the post model; the slug when the index has no post model
    comments: int

    def to_dict(self) -> dict:
        return asdict(self)


def posts_in(version) -> list[Post]:
    """Every post of one index version, in slug order; comments counted in one pass over the records."""
    models = version.post_models.posts
    comments = Counter(r.doc for r in version.records if r.kind == "comment")
    return [Post(doc, (models[doc].title if doc in models else "") or doc, comments[doc]) for doc in sorted(version.sources)]


def check_post(slug, slugs) -> str:
    """``slug`` when it names one of ``slugs``; else the InputError ``Filters.parse`` raises
    ("no post 'x' in the index. Indexed: a, b.")."""
    Filters.parse({"post": slug}, list(slugs))
    return slug
