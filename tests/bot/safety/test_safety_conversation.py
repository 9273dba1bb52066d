"""bot/safety/conversation.py: what the conversation so far means for safety, with a scripted detector
(no model): the user's turns, danger said earlier and whether it was cleared, a pending check-in, and how
a reply to "are you safe?" reads."""

from __future__ import annotations

import pytest

from bot.safety import conversation as C
from bot.safety.detect import Detection

from tests.fakes import ScriptedDetector


def scripted(text: str) -> Detection:
    """"hit me": a concrete disclosure (a pattern); "want to die": the classifier alone; "scary": uncertain;
    "hunch": uncertain on the classifier's middling score only."""
    t = text.lower()
    if "hit me" in t:
        return Detection(flags=["abuse"], hits={"abuse": ["violence: hit me"]})
    if "want to die" in t:
        return Detection(flags=["self_harm"], hits={"self_harm": ["classifier: 0.81"]})
    if "scary" in t:
        return Detection(uncertain=["abuse"])
    if "hunch" in t:
        return Detection(uncertain=["self_harm"], hunch=["self_harm"])
    return Detection()


def state(*turns: str) -> C.State:
    detector = ScriptedDetector(scripted)
    return C.state_of([(t, "...") for t in turns], detector.detect)


# --- the user's turns ------------------------------------------------------------------------------


def test_user_turns_reads_pairs_and_role_dicts_oldest_first():
    history = [("a", "b"), ["c", "d"], {"role": "user", "content": "e"}, {"role": "assistant", "content": "f"},
               {"role": "system", "content": "g"}]
    assert C.user_turns(history) == ["a", "c", "e"]


@pytest.mark.parametrize("history", [None, [], [(None, "x")], [{"role": "user", "content": ["parts"]}], [()], ["abc"]])
def test_user_turns_skips_what_is_not_a_user_message(history):
    assert C.user_turns(history) == []


# --- danger said earlier -----------------------------------------------------------------------------


def test_no_danger_leaves_a_clean_state():
    assert state("why does he pull away?", "what about when he comes back?") == C.State()


def test_a_concrete_disclosure_stays_open_until_they_say_they_are_safe():
    s = state("he hit me last night")
    assert (s.danger, s.since, s.soft) == (["abuse"], "open", False)
    assert C.still_unsafe(s, "ok so what should I do when he pulls away?")
    assert C.still_unsafe(s, "yes")  # a bare yes is not a statement of safety while it is open
    assert not C.still_unsafe(s, "I'm safe now, I'm at my sister's")


def test_saying_safe_clears_it_and_a_later_turn_does_not_reopen_it():
    assert state("he hit me last night", "I'm safe now").since == "cleared"
    assert state("he hit me last night", "I'm safe now", "why does he pull away?").since == "cleared"


def test_after_the_bot_checks_in_again_a_plain_yes_clears_and_a_no_reopens():
    checking = state("he hit me last night", "what does the article say?")
    assert checking.since == "checking" and checking.danger == ["abuse"]
    assert not C.still_unsafe(checking, "yes, I'm ok")
    assert state("he hit me last night", "what does the article say?", "yes i'm ok").since == "cleared"
    assert state("he hit me last night", "what does the article say?", "no, not really").since == "open"


def test_a_figure_of_speech_is_cleared_by_saying_so_a_concrete_disclosure_is_not():
    soft = state("i want to die lol he left me on read")
    assert soft.danger == ["self_harm"] and soft.soft  # the classifier alone, and a joke
    assert state("i want to die lol he left me on read", "not literally, I'm fine").danger == []
    concrete = state("he hit me last night", "not literally, I'm fine")
    assert concrete.danger == ["abuse"] and concrete.since != ""


def test_a_hit_said_as_a_joke_is_soft_and_a_pattern_hit_is_hard():
    assert C.hard(scripted("he hit me"), "he hit me")
    assert not C.hard(scripted("he hit me"), "he hit me lol")  # humour around it
    assert not C.hard(scripted("i want to die"), "i want to die")  # the classifier alone


def test_only_the_last_three_user_turns_are_read():
    assert state("he hit me last night", "a", "b").danger == ["abuse"]
    assert state("he hit me last night", "a", "b", "c").danger == []
    assert C.HISTORY_TURNS == 3


def test_each_danger_flag_is_kept_once_in_the_order_said():
    s = state("he hit me", "i want to die", "he hit me again")
    assert s.danger == ["abuse", "self_harm"]


# --- a pending check-in -------------------------------------------------------------------------------


def test_an_uncertain_last_turn_is_a_pending_check_in():
    s = state("what does the article say?", "he gets scary when he drinks")
    assert s.pending == "he gets scary when he drinks" and s.pending_flags == ["abuse"]
    assert s.danger == []


def test_no_pending_check_in_for_a_hunch_an_earlier_turn_or_after_danger():
    assert state("just a hunch").pending == ""  # the classifier's middling score only
    assert state("he gets scary when he drinks", "what does the article say?").pending == ""  # not the last turn
    assert state("he hit me", "I'm safe now", "he gets scary").pending == ""  # danger already said


# --- disclosed: the words alone, however the detector weighed them -------------------------------------------


def test_danger_words_anywhere_earlier_are_disclosed_even_in_the_past():
    assert C.disclosed([("My ex used to hit me years ago", "...")]) == ["abuse"]
    assert C.disclosed([("why does he pull away?", "..."), ("he choked me once", "...")]) == ["abuse"]
    assert C.disclosed([("i started cutting again", "...")]) == ["self_harm"]
    assert C.disclosed([("why does he pull away?", "...")]) == [] and C.disclosed(None) == []


# --- replies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("message, claims, says_safe, not_safe", [
    ("I'm safe now", True, True, False),
    ("I'm at my sister's tonight", True, False, False),
    ("he's gone, the police came", True, False, False),
    ("yes", False, True, False),
    ("yeah im ok", False, True, False),
    ("no", False, False, True),
    ("I'm not safe", False, False, True),
    ("I'm scared", False, False, True),
    ("not really", False, False, True),
    ("what does the article say?", False, False, False),
])
def test_how_a_reply_to_are_you_safe_reads(message, claims, says_safe, not_safe):
    assert C.claims_safe(message) is claims
    assert C.says_safe(message) is says_safe
    assert C.says_not_safe(message) is not_safe


def test_a_reply_that_says_both_is_not_safe():
    assert not C.says_safe("yes I'm ok but I'm scared") and C.says_not_safe("yes I'm ok but I'm scared")


@pytest.mark.parametrize("message, clarifies, retracts", [
    ("not literally lol", True, False),
    ("I was just joking", True, False),
    ("ignore that, I'm overreacting", False, True),
    ("never mind, it's nothing", False, True),
    ("what should I do?", False, False),
])
def test_clarifying_and_taking_it_back_are_told_apart(message, clarifies, retracts):
    assert C.clarifies(message) is clarifies and C.retracts(message) is retracts


def test_about_the_article_by_its_words_or_the_index_terms():
    assert C.about_article("what does the article say about space?")
    assert C.about_article("what did Veronica ask?")
    assert not C.about_article("is veronica okay now")
    assert C.about_article("is veronica okay now", frozenset({"veronica"}))
    assert C.about_article("tell me about the oxytocin theory", frozenset({"oxytocin theory"}))  # a title phrase


@pytest.mark.parametrize("message, only", [
    ("yes, I'm safe now, thanks", True),
    ("yeah im ok", True),
    ("I'm okay. What did Veronica ask about no contact?", False),
    ("yes, and why does he pull away after a great weekend", False),
])
def test_only_a_reply_means_nothing_is_left_to_answer(message, only):
    assert C.only_a_reply(message) is only
