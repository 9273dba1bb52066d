"""The flow's own decisions, on plain data (bot/flow.py)."""



def test_a_question_quoting_a_figure_or_phrase_of_the_text_is_covered():
    from types import SimpleNamespace

    from bot.flow import _cites_the_text

    sources = [SimpleNamespace(text="Research shows that 68 percent of adult children call less than once a month.")]
    assert _cites_the_text("Where does the 68 percent figure come from?", sources)
    assert _cites_the_text("what does 'call less than once a month' mean?", sources)
    assert not _cites_the_text("Where does the 75 percent figure come from?", sources)  # not in the text
    assert not _cites_the_text("is 1 call enough?", sources)  # one digit: too common to count
    assert not _cites_the_text("What's 17 times 23?", [SimpleNamespace(text="Dad moved out on 23rd December.")])
