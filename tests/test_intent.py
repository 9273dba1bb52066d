"""bot/intent.py: the kind of answer a question wants, and the commenters it names (table-driven)."""

import pytest

from bot.intent import classify, named_authors

AUTHORS = ["Angry and Upset", "Veronica", "Isabel", "deadlock", "Catt", "Linda Kemp", "Marilyn Crosbie",
           "Dima B", "B", "P", "AC", "YZ", "sarah", "Kevin"]


@pytest.mark.parametrize("question,kind", [
    ("What should I do the next time he goes quiet?", "advice"),
    ("what's the very first thing the article tells me to do?", "advice"),
    ("Why does he pull away after a great weekend?", "why"),
    ("Who answered Veronica?", "thread"),
    ("Did anyone reply to deadlock to agree or argue with him?", "thread"),
    ("What did Isabel say to Veronica?", "thread"),
    ("What did Catt want to know?", "said"),
    ("Who in the comments thinks the article is unfair?", "opinion"),
    ("Do readers actually believe the testosterone explanation?", "opinion"),
    ("Is the hormone claim backed by science?", "yesno"),
    ("Who's David?", "fact"),
])
def test_kinds(question, kind):
    assert classify(question, AUTHORS).kind == kind


def test_names_are_matched_as_the_index_spells_them():
    assert named_authors("what did Marilyn tell Confused?", AUTHORS) == ["Marilyn Crosbie"]
    assert named_authors("who responded to sarah?", AUTHORS) == ["sarah"]
    assert named_authors("did AC say anything to YZ?", AUTHORS) == ["AC", "YZ"]
    assert named_authors("what did Dima B write back?", AUTHORS) == ["Dima B"]  # not "B" on its own
    assert named_authors("b is for boyfriend, p for partner", AUTHORS) == []  # short names only as capitals


def test_a_commenter_who_does_not_exist_is_unknown_with_the_nearest_names():
    intent = classify("What did Megan say in her reply to deadlock?", AUTHORS)
    assert intent.unknown == ("Megan",) and intent.names == ("deadlock",)
    assert classify("Did the commenter Veronika say that?", AUTHORS).near["Veronika"][0] == "Veronica"
    # David is in the article: the index's post model says so (names are never listed in code)
    from index.config import DEFAULT_SEED
    from index.parse import parse_text
    from index.understand.annotate import annotate_post
    from tests.fakes import embed_array

    text = DEFAULT_SEED.read_text(encoding="utf-8")
    model = annotate_post("seed", text, parse_text(text, doc="seed"), embed_array)
    assert classify("What did David say to the author?", AUTHORS, frozenset(model.mentioned)).unknown == ()
    assert classify("What did David say to the author?", AUTHORS).unknown == ("David",)
