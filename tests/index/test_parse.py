from __future__ import annotations

import pytest

from index.errors import InputError
from index.parse import NO_AUTHOR, is_heading, parse_file, parse_text
from tests.conftest import SEED, write

# Every comment of the real seed: (id, author, parent, depth), in file order.
COMMENTS = [
    ("comment:01-angry-and-upset", "Angry and Upset", None, 0),
    ("comment:02-joni", "Joni", None, 0),
    ("comment:03-confused", "Confused", None, 0),
    ("comment:04-marilyn-crosbie", "Marilyn Crosbie", "comment:03-confused", 1),
    ("comment:05-dima-b", "Dima B", "comment:03-confused", 1),
    ("comment:06-amanda", "Amanda", None, 0),
    ("comment:07-munchkins", "Munchkins", None, 0),
    ("comment:08-veronica", "Veronica", None, 0),
    ("comment:09-isabel", "Isabel", "comment:08-veronica", 1),
    ("comment:10-clair", "Clair", None, 0),
    ("comment:11-jess", "Jess", None, 0),
    ("comment:12-deadlock", "deadlock", None, 0),
    ("comment:13-catt", "Catt", "comment:12-deadlock", 1),
    ("comment:14-linda-kemp", "Linda Kemp", "comment:12-deadlock", 1),
    ("comment:15-b", "B", None, 0),
    ("comment:16-kevin", "Kevin", None, 0),
    ("comment:17-cheryl", "cheryl", None, 0),
    ("comment:18-p", "P", None, 0),
    ("comment:19-anita", "Anita", None, 0),
    ("comment:20-colleen", "Colleen", None, 0),
    ("comment:21-manu", "manu", None, 0),
    ("comment:22-karen", "Karen", None, 0),
    ("comment:23-edwige", "edwige", None, 0),
    ("comment:24-sarah", "sarah", None, 0),
    ("comment:25-ashley", "ashley", "comment:24-sarah", 1),
    ("comment:26-ac", "AC", "comment:24-sarah", 1),
    ("comment:27-yz", "YZ", "comment:26-ac", 2),
    ("comment:28-anonymous", NO_AUTHOR, None, 0),
]


@pytest.fixture(scope="module")
def records():
    return parse_file(SEED)


def test_every_record_span_is_exact(records, seed_text):
    for r in records:
        assert seed_text[r.start : r.end] == r.text, r.id
        if r.text:
            assert r.text == r.text.strip(), r.id


def test_records_do_not_overlap_and_follow_file_order(records):
    for a, b in zip(records, records[1:]):
        assert a.end <= b.start or a.start == a.end, (a.id, b.id)
        assert a.order + 1 == b.order


def test_every_comment_author_parent_and_depth(records):
    got = [(r.id, r.author, r.parent, r.depth) for r in records if r.kind == "comment"]
    assert got == COMMENTS


def test_ids_are_unique_and_stable(records):
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids))
    assert [r.id for r in parse_file(SEED)] == ids


def test_comment_with_empty_body(records, seed_text):
    dima = next(r for r in records if r.id == "comment:05-dima-b")
    assert dima.text == "" and dima.start == dima.end
    assert seed_text[: dima.start].endswith("• Dima B")


def test_comment_without_author_line(records):
    anon = records[-1]
    assert anon.author == NO_AUTHOR
    assert anon.text.startswith("Dear Renee : for me is a different story")
    assert anon.text.endswith("am lost")


def test_multi_paragraph_comments_keep_all_paragraphs(records):
    isabel = next(r for r in records if r.id == "comment:09-isabel")
    assert isabel.text.startswith("Hi Veronica,") and isabel.text.endswith("He also wants to be alone for two weeks!")
    yz = next(r for r in records if r.id == "comment:27-yz")
    assert yz.text.count("\n\n") == 2 and "know thy heart" in yz.text
    colleen = next(r for r in records if r.id == "comment:20-colleen")
    assert colleen.text.endswith("Glad to see you back!")


def test_article_sections_headings_and_steps(records):
    article = [r for r in records if r.kind == "article"]
    assert article[0].id == "article:title"
    headings = [r.text for r in article if r.id.endswith(":heading")]
    assert headings == [
        "What is intuitive to a man in a relationship is not what is intuitive to a woman",
        "How to get a man to commit more of his time, attention and exclusivity and marriage",
        "So, Why do Men Pull Away from the Relationship?",
        "He’s Not a Woman!!!",
        "The Science Behind why a Man Withdraws…",
        "What Men Really Want from You",
        "Most Women Out there Simply Don’t Give Freedom to Their Men.",
    ]
    steps = {r.id: r for r in article if ":step" in r.id}
    assert sorted(steps) == ["article:men-want:step1", "article:men-want:step2", "article:men-want:step3"]
    assert "Leave him alone" in steps["article:men-want:step1"].text
    oxytocin = next(r for r in article if "Oxytocin is a hormone" in r.text)
    assert oxytocin.id == "article:science-man:p2"
    assert oxytocin.section == "The Science Behind why a Man Withdraws…"
    disclaimer = next(r for r in article if r.text.startswith("Disclaimer:"))
    assert disclaimer.section == "What Men Really Want from You"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He’s Not a Woman!!!", True),
        ("What Men Really Want from You", True),
        ("It doesn’t have to.", False),
        ("How interesting! :)", False),
        ("“Do you not LOVE me anymore?”", False),
        ("1) Leave him alone", False),
        ("Manual or automatic?", True),  # a short question standing alone heads a section (r42: its deferral was lost)
        ("What about soundproofing?", True),
        ("‘What, am I invisible now?’", False),  # a quoted question is the article's voice, not a heading
        ("Is it really that bad to text him once a day when he has asked for space?", False),
    ],
)
def test_heading_rule(text, expected):
    assert is_heading(text) is expected


OTHER_POST = """My Post About Texting

Texting is how we talk now.

Why Timing Matters

Reply when you can.

- Ana
  Great post.

  - Ben
    Not sure I agree.

    * Cy
      Me neither.
- Dee
  Thanks!
"""


def test_other_files_of_the_same_shape(tmp_path):
    records = parse_file(write(tmp_path, "other.txt", OTHER_POST))
    comments = [(r.author, r.parent, r.depth, r.text) for r in records if r.kind == "comment"]
    assert comments == [
        ("Ana", None, 0, "Great post."),
        ("Ben", "comment:01-ana", 1, "Not sure I agree."),
        ("Cy", "comment:02-ben", 2, "Me neither."),
        ("Dee", None, 0, "Thanks!"),
    ]
    assert records[0].doc == "other"
    assert [r.id for r in records if r.kind == "article"] == [
        "article:title", "article:intro:p1", "article:timing-matters:heading", "article:timing-matters:p1",
    ]


def test_windows_line_endings_keep_exact_spans(tmp_path):
    text = OTHER_POST.replace("\n", "\r\n")
    records = parse_text(text)
    for r in records:
        assert text[r.start : r.end] == r.text
    assert [r.author for r in records if r.kind == "comment"] == ["Ana", "Ben", "Cy", "Dee"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", "", "is empty"),
        ("blank.txt", "  \n\n \t\n", "is empty"),
        ("binary.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "Caf\xe9 post\n\n  * Ana\n    ok\n".encode("latin-1"), "not UTF-8"),
        ("nocomments.txt", "A title\n\nJust an article, nobody commented.\n", "no reader comments"),
    ],
)
def test_bad_files_get_one_line_errors(tmp_path, name, content, message):
    with pytest.raises(InputError) as err:
        parse_file(write(tmp_path, name, content))
    assert message in str(err.value) and "\n" not in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "nope.txt")


def test_a_date_line_under_the_author_is_the_comments_date_not_its_words():
    text = (
        "A Title Here\n\nSome article text that is long enough to be a paragraph.\n\n"
        "  • Priya\n\n    September 3, 2023 at 7:12 am\n\n    Fix 3 was my problem all along.\n\n"
        "    • Maggie (author)\n\n      3 Sept 2023\n\n      So glad it helped!\n\n"
        "  • Lee\n\n    March 4, 2024 is when I started, and it worked.\n"
    )
    comments = [r for r in parse_text(text, doc="d") if r.kind == "comment"]
    assert [c.date for c in comments] == ["September 3, 2023 at 7:12 am", "3 Sept 2023", None]
    assert comments[0].text == "Fix 3 was my problem all along." and comments[1].text == "So glad it helped!"
    assert comments[2].text.startswith("March 4, 2024 is when")  # a sentence that starts with a date is words
    for c in comments:
        assert text[c.start : c.end] == c.text


HEADED = """Three Steps Back In

Intro paragraph about the problem.

Step 1: Host Something Soon

Pick a date and invite people.

Step 2: Say Yes Three Times

Go when they ask.

A Side List

1) Buy a calendar.

2) Write it down.

Comments

  • Ana

    Great post.
"""

ITEMS = HEADED.replace("Pick a date and invite people.", "1) Pick a date and invite people.").replace(
    "Go when they ask.", "2) Go when they ask.")


def test_numbered_section_headings_are_the_posts_steps_and_other_lists_are_items():
    ids = [r.id for r in parse_text(HEADED) if r.kind == "article"]
    assert "article:step-1:step1" in ids and "article:step-2:step2" in ids  # the headings are the steps
    side = [i for i in ids if i.startswith("article:side-list")]
    assert side[:3] == ["article:side-list:heading", "article:side-list:item1", "article:side-list:item2"]  # its own list
    assert not any(":step" in i for i in side)
    own = [r.id for r in parse_text(ITEMS) if r.kind == "article"]
    # a section holding its own numbered item keeps it as the step ("Fix 1: …" then "1) Feed your starter …")
    assert "article:step-1:heading" in own and "article:step-1:step1" in own and "article:side-list:step1" in own
    lone = parse_text(HEADED.replace("Step 2: Say Yes Three Times", "Then Say Yes"))
    assert "article:step-1:heading" in [r.id for r in lone]  # one numbered heading is no list


def test_a_step_heading_ending_in_an_abbreviation_is_still_a_heading():
    # "Step 2: No Carbs After 3 p.m." ends with a full stop; its words are title-cased but for "3" and "p.m."
    post = ("How To Break A Plateau\n\nIntro paragraph that is a sentence.\n\nStep 1: Write Down Every Bite\n\n"
            "Log it all for two weeks.\n\nStep 2: No Carbs After 3 p.m.\n\nEat them earlier in the day.\n\n"
            "  • Dana\n\n    May 1, 2024 at 9:00 am\n\n    This worked for me.\n")
    ids = [r.id for r in parse_text(post, doc="p")]
    assert "article:step-1:step1" in ids and "article:step-2:step2" in ids, ids


def test_times_of_day_do_not_end_a_sentence_before_a_lowercase_word():
    from index.sentences import sentence_spans

    text = 'I work nights, 7 p.m. to 5:30 a.m. My lunch is at 1. A rule like "no fruit after 3 p.m." tends to backfire.'
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "I work nights, 7 p.m. to 5:30 a.m.", "My lunch is at 1.", 'A rule like "no fruit after 3 p.m." tends to backfire.']
