"""bot/cite/markers.py: one marker grammar, bounds-checked."""

from bot.cite import markers


def test_markers_are_one_based_and_bounds_checked():
    # [0] is not a source: Python's sources[0 - 1] would silently cite the last one
    assert markers.numbers_in("A [1]. B [0]. C [3] [1]. D [7].", n_sources=3) == ([1, 3], [0, 7])


def test_the_grammar_is_one_to_three_digits_in_brackets():
    assert markers.all_numbers("x [12] y [1, 4] z [1234] w [2][3]") == [12, 2, 3]
    assert markers.strip("Men pull away [1] [2].") == "Men pull away."
    assert markers.renumber("a [3] b [1] c [9]", {3: 1, 1: 2}) == "a [1] b [2] c "


def test_a_quoted_line_is_one_claim():
    m = markers.QUOTED_LINE.match("It adds: “One. Two.” [4]")
    assert m and m.group("quote") == "One. Two." and markers.all_numbers(m.group("markers")) == [4]
    assert markers.QUOTED_LINE.match("Men pull away [1].") is None
