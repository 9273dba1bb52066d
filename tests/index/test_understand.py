"""The model of a post, computed at index time (index/understand): labels, reviewed overrides,
per-post keys, the cache, `bot annotate`, and what safety does with it (fail closed)."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from index.build import build_index
from index.config import Settings
from index.errors import InputError
from index.parse import parse_text
from index.store import IndexVersion
from index.understand import PostModels
from index.understand.annotate import annotate_post
from index.understand.reviewed import apply_reviewed, load_reviewed

from tests.conftest import SEED
from tests.fakes import FakeEmbeddings, embed_array

POST = """Rules for a Calm Girlfriend

I'm Dana Hale. I have coached couples for ten years.

Women need to feel free. Research shows her dopamine drops within 72 hours of feeling crowded.

1)           Let her check your phone whenever she wants. Hand it over with a smile.

2)           Plan a weekly dinner together and put it on a shared calendar.

Why Does She Go Quiet?

She goes quiet when she feels crowded, and it passes.

  • Priya

    May 1, 2024 at 9:00 am

    I completely disagree. "let her check your phone whenever she wants" is controlling, and this advice is harmful.

  • Sam

    May 1, 2024 at 10:00 am

    Great article, so true! Thank you for this.

  • Lee

    May 2, 2024 at 8:00 am

    My girlfriend stopped texting me. What should I do? Any advice?

    • Dana Hale (author)

      May 2, 2024 at 9:00 am

      You should give her space for a few days and then ask her to talk.
"""


@pytest.fixture
def model():
    records = parse_text(POST, doc="calm")
    return annotate_post("calm", POST, records, embed_array, "fake")


def _r(model, rid):
    return model.records[f"calm/{rid}"]


def test_records_are_keyed_by_post_and_labelled_with_where_each_label_came_from(model):
    assert all(key.startswith("calm/") for key in model.records)
    assert _r(model, "article:title").role.value == "heading" and _r(model, "article:title").role.source == "structure"
    step = next(r for k, r in model.records.items() if k.endswith(":step1"))
    assert step.role.value == "advice"
    assert model.title == "Rules for a Calm Girlfriend"
    assert model.author == "Dana Hale"
    assert set(model.names) >= {"Priya", "Sam", "Lee"}


def test_contested_claims_and_unsafe_advice_are_found_by_rules_in_any_post(model):
    dopamine = next(r for r in model.records.values() if r.claim_text.startswith("Women need to feel free"))
    assert {"gender_generalisation", "pseudo_science"} <= set(dopamine.claims)
    assert dopamine.claims_label.source == "rule" and 0 < dopamine.claims_label.confidence <= 1
    step1 = next(r for k, r in model.records.items() if k.endswith(":step1"))
    assert "let_him_check" in step1.unsafe and step1.unsafe_label.source == "rule"
    assert step1.unsafe_sentences == ()  # an article paragraph is withheld whole
    step2 = next(r for k, r in model.records.items() if k.endswith(":step2"))
    assert not step2.unsafe  # a dinner plan is safe advice in any relationship


def test_comment_stances_questions_and_the_author_reply(model):
    comments = {r.key: r for r in model.comments()}
    priya = next(r for k, r in comments.items() if "priya" in k)
    sam = next(r for k, r in comments.items() if "sam" in k)
    lee = next(r for k, r in comments.items() if "lee" in k)
    dana = next(r for k, r in comments.items() if "dana" in k)
    assert priya.stance.value == "disagrees" and priya.quote
    assert not priya.unsafe  # naming the advice in quotes to push back on it is not giving it
    assert sam.stance.value == "agrees"
    assert lee.stance.value == "question" and lee.asks
    assert dana.by_author and lee.answered_by == (dana.key,)


def test_a_reviewed_file_wins_label_by_label(model, tmp_path):
    path = tmp_path / "calm.reviewed.yaml"
    step1 = next(k for k in model.records if k.endswith(":step1")).split("/", 1)[1]
    priya = next(r.key for r in model.comments() if "priya" in r.key).split("/", 1)[1]
    path.write_text(
        "doc: calm\n"
        f"roles: {{'{step1}': claim}}\n"
        f"comments: {{'{priya}': {{stance: nuance}}}}\n", encoding="utf-8")
    merged = apply_reviewed(model, [load_reviewed(path)])
    r = merged.records[f"calm/{step1}"]
    assert r.role.value == "claim" and r.role.source == "reviewed"
    assert r.unsafe == model.records[f"calm/{step1}"].unsafe  # a label the file does not name stays computed
    assert merged.records[f"calm/{priya}"].stance.value == "nuance"
    assert any(m.startswith("reviewed:") for m in merged.made_with)
    other = apply_reviewed(model, [dict(load_reviewed(path), doc="another-post")])
    assert other.records == model.records  # a file keyed to another post changes nothing here


def test_covers_makes_a_reviewed_section_whole(model, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("doc: calm\ncovers: [unsafe]\nunsafe: {}\n", encoding="utf-8")
    merged = apply_reviewed(model, [load_reviewed(path)])
    assert not any(r.unsafe for r in merged.records.values())


@pytest.mark.parametrize("text", ["- not a mapping\n", "doc: calm\nroles: {x: villain}\n", "roles: {}\n", "doc: [unclosed\n"])
def test_a_bad_reviewed_file_is_a_clear_error(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_reviewed(path)
    assert str(path) in str(err.value)


def test_a_reviewed_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("doc: calm\nroles: {x: claim}  # caf\u00e9\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        load_reviewed(path)
    assert str(path) in str(err.value)


def test_the_model_round_trips_through_json(model):
    models = PostModels({"calm": model})
    back = PostModels.from_dict(json.loads(json.dumps(models.to_dict())))
    assert back.posts["calm"] == model
    assert back.stance(next(r.key for r in model.comments() if "sam" in r.key)) == "agrees"


# --- index time ------------------------------------------------------------------

@pytest.fixture
def two_posts(tmp_path):
    post = tmp_path / "calm.txt"
    post.write_text(POST, encoding="utf-8")
    return post


def test_bot_index_stores_the_model_with_reviewed_labels_for_the_bundled_article_only(tmp_path, two_posts):
    settings = Settings(store_dir=tmp_path / "store")
    report = build_index([SEED, two_posts], settings, embeddings=FakeEmbeddings(), progress=False)
    assert report.understood["computed"] == ["why-men-pull-away", "calm"]
    assert "claims.v1.yaml" in report.understood["reviewed"]
    assert "no language model" in report.summary()
    models = IndexVersion.open(settings.store_dir).post_models
    bundled = models.get("why-men-pull-away/article:science-man:p4")
    assert bundled.claims == ("hormone",) and bundled.claims_label.source == "reviewed"
    # the other post's opening paragraph has the same record id: it does not inherit the bundled claims
    assert models.get("calm/article:intro:p1").claims_label is None or models.get("calm/article:intro:p1").claims_label.source != "reviewed"
    assert models.get("calm/article:intro:p1").claims != models.get("why-men-pull-away/article:intro:p1").claims


def test_an_unchanged_post_reuses_its_model_and_a_changed_one_is_redone(tmp_path, two_posts):
    settings = Settings(store_dir=tmp_path / "store")
    build_index([SEED, two_posts], settings, embeddings=FakeEmbeddings(), progress=False)
    two_posts.write_text(POST.replace("ten years", "eleven years"), encoding="utf-8")
    report = build_index([SEED, two_posts], settings, embeddings=FakeEmbeddings(), progress=False)
    assert report.understood["reused"] == ["why-men-pull-away"] and report.understood["computed"] == ["calm"]


def test_no_reviewed_indexes_computed_labels_only(tmp_path):
    settings = Settings(store_dir=tmp_path / "store", reviewed_defaults=False)
    report = build_index([SEED], settings, embeddings=FakeEmbeddings(), progress=False)
    assert report.understood["reviewed"] == []
    models = IndexVersion.open(settings.store_dir).post_models
    assert all(r.role.source != "reviewed" for r in models.posts["why-men-pull-away"].records.values())
    assert models.dissent("why-men-pull-away")  # readers who disagree are found without the stance file


def test_bot_annotate_exports_yaml_that_indexes_back_as_reviewed(tmp_path, two_posts, capsys, monkeypatch):
    import index.build

    monkeypatch.setattr(index.build, "make_embeddings", lambda name: FakeEmbeddings())
    store = str(tmp_path / "store")
    assert main(["index", str(two_posts), "--store", store, "--quiet"]) == 0
    out = tmp_path / "calm.labels.yaml"
    assert main(["annotate", "calm", "--store", store, "--export", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "doc: calm" in text and "roles:" in text and "unsafe:" in text
    edited = text.replace("stance: agrees", "stance: nuance", 1)
    out.write_text(edited, encoding="utf-8")
    assert main(["index", str(two_posts), "--store", store, "--quiet", "--reviewed", str(out)]) == 0
    models = IndexVersion.open(tmp_path / "store").post_models
    assert models.stance(next(r.key for r in models.posts["calm"].comments() if "sam" in r.key)) == "nuance"
    capsys.readouterr()
    assert main(["annotate", "nope", "--store", store]) == 2
    assert "no post 'nope' in the index. Indexed: calm" in capsys.readouterr().err


def test_a_missing_reviewed_file_fails_before_anything_is_written(tmp_path, two_posts):
    settings = Settings(store_dir=tmp_path / "store", reviewed=(tmp_path / "missing.yaml",))
    with pytest.raises(InputError, match="no reviewed-labels file"):
        build_index([two_posts], settings, embeddings=FakeEmbeddings(), progress=False)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").glob("v-*"))


# --- what safety and balance do with it -----------------------------------------------

@pytest.fixture
def calm_version(tmp_path, two_posts):
    settings = Settings(store_dir=tmp_path / "store")
    build_index([two_posts], settings, embeddings=FakeEmbeddings(), progress=False)
    return IndexVersion.open(settings.store_dir)


def _span_texts(version, doc="calm"):
    from bot.safety.withhold import withheld_spans

    withheld_spans.cache_clear()
    return [version.sources[doc][s:e] for s, e, _ in withheld_spans(version).get(doc, [])]


def test_after_a_disclosure_a_new_posts_unsafe_advice_is_withheld_and_safe_advice_kept(calm_version):
    texts = " ".join(_span_texts(calm_version))
    assert "Let her check your phone whenever she wants." in texts
    assert "weekly dinner" not in texts
    # a reader quoting it, in other case, is withheld too (that sentence only: her other words stay)
    assert '"let her check your phone whenever she wants" is controlling' in texts
    assert "I completely disagree." not in texts


def test_an_index_without_a_post_model_withholds_all_advice(calm_version):
    for stored in calm_version.path.glob("posts/*/model.json"):
        stored.unlink()
    version = IndexVersion(calm_version.path)
    assert not version.post_models.posts
    texts = " ".join(_span_texts(version))
    assert "Let her check your phone" in texts and "weekly dinner" in texts  # fail closed: unlabelled advice
    assert "Research shows" not in texts  # a claim is not advice: it gets balance, not withholding


def test_a_one_sided_claim_of_a_new_post_gets_its_dissenting_reader_and_a_card(calm_version):
    from bot.answer import Answer, SafetyReport
    from bot.safety import SafetyLayer
    from bot.safety.detect import Detector

    from tests.conftest import cite
    from tests.fakes import BrokenEmbeddings

    rid = next(r.id for r in calm_version.records if "dopamine" in r.text)
    c1 = cite(calm_version, rid, 1)
    layer = SafetyLayer(detector=Detector(embeddings=BrokenEmbeddings()))
    out = layer.apply(Answer(f"The article says: “{c1.quote}” [1]", "Is that true?", [c1]), SafetyReport(), calm_version)
    claims = {c["claim"] for c in out.safety.claims}
    assert {"gender_generalisation", "pseudo_science"} <= claims
    readers = [p for p in out.safety.perspectives if p.origin == "comment"]
    assert readers and readers[0].title.startswith("Priya") and readers[0].stance == "disagrees"
    cards = {p.card for p in out.safety.perspectives if p.origin == "card"}
    assert cards & {"generalisations.v1.md", "unsupported-science.v1.md"}


def test_the_web_page_names_the_indexed_post_and_asks_in_its_words(calm_version, tmp_path):
    from bot.serve.ui import ASK_DOC, Page, page_for

    page = page_for(Settings(store_dir=tmp_path / "store"))
    assert page.post_title == "Rules for a Calm Girlfriend" and page.post_title in page.title and page.post_title in page.about
    assert "Why Does She Go Quiet?" in page.examples  # a heading that asks
    assert "What did Priya say?" in page.examples  # a reader who disagreed
    assert page_for(Settings(store_dir=tmp_path / "empty")) == Page()  # no index yet: a generic page
    assert "{post}" in ASK_DOC and "pull away" not in ASK_DOC.lower()


def test_danger_words_earlier_withhold_unsafe_advice_even_when_the_answer_is_not_aftercare(calm_version):
    from bot.answer import Source
    from bot.safety import SafetyLayer
    from bot.safety import withholds
    from bot.safety.detect import Detector

    from tests.fakes import BrokenEmbeddings

    layer = SafetyLayer(detector=Detector(embeddings=BrokenEmbeddings()))
    history = [("Years ago my ex hit me when I wouldn't unlock my phone for him.", "")]
    report = layer.check("What does the article say about phones?", history)
    assert report.tier not in ("danger", "check_in") and withholds(report)
    step = next(r for r in calm_version.records if r.id.endswith(":step1"))
    src = Source(1, "calm/x#1", "calm", "article", step.text, step.start, step.end, 0.5, record_ids=(step.id,))
    assert layer.screen_sources([src], report, calm_version) == [] and report.withheld == [step.id]
    plain = layer.check("What does the article say about phones?", [])
    assert not withholds(plain)


def test_the_first_line_states_the_answer_from_the_post_model(tmp_path, two_posts, fake_embeddings):
    from bot.api import Bot

    settings = Settings(store_dir=tmp_path / "store")
    build_index([two_posts], settings, embeddings=fake_embeddings, progress=False)
    bot = Bot(settings, embeddings=fake_embeddings, safety=False)
    first = bot.ask("Who disagreed with the article?").text.splitlines()[0]
    assert first == "**Readers who disagreed with the article: Priya.**"
    first = bot.ask("Did anyone answer Lee's question?").text.splitlines()[0]
    assert first == "**Yes: Dana Hale (author) answered Lee’s question.**"


def test_his_stress_is_balance_only_for_a_post_that_advises_on_a_partner_withdrawing(calm_version):
    from bot.safety.perspectives import find_claims
    from index.understand import PostModels

    from tests.conftest import cite

    rid = next(r.id for r in calm_version.records if "dopamine" in r.text)
    c1 = cite(calm_version, rid, 1)
    question = "did the author answer the guy who works nights about his cutoff?"
    assert "life_stress" in {c["claim"] for c in find_claims("", [c1], question, calm_version.post_models)}  # "give her space"
    models = calm_version.post_models.to_dict()
    for row in models["posts"]["calm"]["records"].values():  # the same post without its withdrawal advice: a diet, say
        for key in ("unsafe", "unsafe_label", "claims", "claims_label"):
            row.pop(key, None)
    bare = PostModels.from_dict(models)
    assert "life_stress" not in {c["claim"] for c in find_claims("", [c1], question, bare)}


def test_after_a_disclosure_his_stress_is_not_offered_as_balance(calm_version):
    from bot.answer import Answer, SafetyReport
    from bot.safety import SafetyLayer, Tier
    from bot.safety.detect import Detector

    from tests.conftest import cite
    from tests.fakes import BrokenEmbeddings

    layer = SafetyLayer(detector=Detector(embeddings=BrokenEmbeddings()))
    rid = next(r.id for r in calm_version.records if "dopamine" in r.text)
    c1 = cite(calm_version, rid, 1)
    question = "He takes my money and says it's the stress of losing his job. What does the article say?"
    calm = layer.apply(Answer(f"“{c1.quote}” [1]", question, [c1]), SafetyReport(), calm_version)
    assert "life_stress" in {c["claim"] for c in calm.safety.claims}
    after = layer.apply(Answer(f"“{c1.quote}” [1]", question, [c1]), SafetyReport(tier=Tier.AFTERCARE), calm_version)
    assert "life_stress" not in {c["claim"] for c in after.safety.claims}
    assert not any(p.card == "stress-depression.v1.md" for p in after.safety.perspectives)


def test_a_question_scoped_to_one_post_cites_only_that_post_and_bad_scopes_are_clear_errors(tmp_path, two_posts, fake_embeddings, capsys):
    from bot.api import Bot

    settings = Settings(store_dir=tmp_path / "store")
    build_index([SEED, two_posts], settings, embeddings=fake_embeddings, progress=False)
    bot = Bot(settings, embeddings=fake_embeddings, safety=False)
    for post in ("calm", "why-men-pull-away"):
        answer = bot.ask("What does the article advise?", post=post)
        assert answer.citations and {c.doc for c in answer.citations} == {post}
    assert {s.doc for s in bot.retrieve("phone", k=5, filters={"kind": "article"}, post="calm")} == {"calm"}
    for bad, message in [({"post": "nope"}, "no post 'nope' in the index. Indexed: calm, why-men-pull-away"),
                         ({"colour": "red"}, "unknown filter 'colour'. Filters: kind, author, post."),
                         ({"kind": "tweet"}, "unknown kind 'tweet'"), ("comment", "filters must be a dict")]:
        with pytest.raises(InputError) as err:
            bot.ask("What does the article advise?", filters=bad)
        assert message in str(err.value)


def test_bot_index_takes_a_folder_of_posts_and_bot_posts_lists_them(tmp_path, two_posts, capsys, monkeypatch):
    import index.build

    monkeypatch.setattr(index.build, "make_embeddings", lambda name: FakeEmbeddings())
    (tmp_path / "second.txt").write_text(POST.replace("Rules for a Calm Girlfriend", "Second Post Title"), encoding="utf-8")
    store = str(tmp_path / "store")
    assert main(["index", str(tmp_path), "--store", store, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["posts", "--store", store, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["post"] for r in rows] == ["calm", "second"] and rows[1]["title"] == "Second Post Title"
    assert rows[0]["author"] == "Dana Hale" and rows[0]["comments"] == 4 and rows[0]["reviewed"] == []
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["index", str(empty), "--store", store, "--quiet"]) == 2
    assert "a folder with no .txt posts" in capsys.readouterr().err


TITLED = """Rules for a Calm Girlfriend

I'm Dana Hale. I have coached couples for ten years.

Rule 1: Keep No Secrets From Her

Let her check your phone whenever she wants. Hand it over with a smile.

She worries when you are out late, and that is love.

Rule 2: Share a Weekly Dinner

Plan a weekly dinner together and put it on a shared calendar.

  • Sam

    May 1, 2024 at 10:00 am

    Great article, so true! Thank you for this.
"""


def test_a_rule_that_is_its_sections_title_is_withheld_with_its_whole_section(tmp_path):
    post = tmp_path / "calm.txt"
    post.write_text(TITLED, encoding="utf-8")
    settings = Settings(store_dir=tmp_path / "store")
    build_index([post], settings, embeddings=FakeEmbeddings(), progress=False)
    version = IndexVersion.open(settings.store_dir)
    texts = " ".join(_span_texts(version))
    assert "Let her check your phone" in texts
    # the rule's title and its section's other words go with it: alone they read as harmless
    assert "Rule 1: Keep No Secrets From Her" in texts and "She worries when you are out late" in texts
    assert "I'm Dana Hale" not in texts  # the untitled introduction is not part of any rule
    from bot.safety.withhold import withheld_spans
    spans = withheld_spans(version)["calm"]
    assert len(spans) == len(set(spans))  # each passage once


def test_how_a_readers_story_ends_is_read_off_what_happened():
    post = POST + """
  • Dee

    May 3, 2024 at 8:00 am

    I followed the rules for a month. It didn't calm anything down, and the quiet spells got longer.

  • Mel

    May 3, 2024 at 9:00 am

    I tried the weekly dinner from the article and it worked for us.

  • Leah

    May 4, 2024 at 9:00 am

    I wish I could say this worked. Only one came to my dinner, so I stopped chasing and joined a climbing gym.
"""
    model = annotate_post("calm", post, parse_text(post, doc="calm"), embed_array, "fake")
    ends = {k.split(":")[-1]: r.outcome.value for k, r in model.records.items() if r.outcome is not None}
    assert ends["05-dee"] == "failed" and ends["06-mel"] == "worked"
    assert ends["07-leah"] == "failed"  # a success only wished for
    assert model.records["calm/comment:05-dee"].stance.value == "disagrees"  # she tried it and it failed


@pytest.mark.parametrize("sentence, worked", [
    ("It wasn’t long before he phoned me and we were back having a good time again.", True),  # r43 b16
    ("Got the job, admin at a vets.", True),  # r43 q11
    ("Passed first time in March and drove to my sister's on my own.", True),
    ("We were back to square one within a week.", None),  # "back" alone is no ending
    ("I didn't get the job.", None),
    ("Update, about 7 weeks later: it's working.", True),  # r55 b03
    ("We're still together and it's a lot better now.", True),
    ("honestly I think it's better to save up and then do a short burst", None),  # advice, not how it went
    ("I think it's great for a man to withdraw.", None),
    ("we separated the night feeds into shifts", None),
    ("Update, seven months later: round three worked.", True),  # r56 q10
    ("Honestly nothing worked.", None),
])
def test_the_endings_a_story_tells_in_everyday_words(sentence, worked):
    from index.understand.rules import endings

    good, bad = endings(sentence)
    assert bool(good) is bool(worked), sentence
    if worked is None:
        assert not good


@pytest.mark.parametrize("sentence", [
    "He answered the follow-up. He said he didn't want contact and asked me not to message again.",  # r48 q10
    "I never heard back.",
    "She said she wants nothing to do with me.",
    "It didn't open any door.",  # r57 q16: Lorraine's report back
    "We've been sleeping in different rooms since summer and we've started talking to a lawyer about separating.",
    "Mine didn't go well, and I think people should hear that too.",
    "He has blocked my number and my email.",  # r50 q16
])
def test_the_endings_a_story_tells_when_it_did_not_work(sentence):
    from index.understand.rules import endings

    good, bad = endings(sentence)
    assert bad and not good, sentence


LEAVES_OUT = """Learning to Drive at 34

By Imogen Szabo

I passed my test at thirty-four. Your connective tissue is a different story, my instructor said.

Manual or automatic?

People ask me this more than anything else, and I'm not going to get into it here. It depends on money.

When you fail

Nightmares about the test are normal. I'm not going to get into test anxiety pills here; that's for your doctor.

Some learners are simply scared of motorways, and some just hate driving. Whether you should give up driving is a whole other topic, perhaps for a separate article.

  • Priya

    Manual all the way for me.
"""


def test_the_model_says_what_the_article_leaves_out_and_round_trips_it():
    """What a deferring sentence leaves out, as texts a question is compared with: the heading it opens, what it names
    inside ("test anxiety pills") or before ("Whether you should give up"); "a different story" leaves nothing out."""
    model = annotate_post("drive", LEAVES_OUT, parse_text(LEAVES_OUT, doc="drive"), embed_array, "fake")
    topics = [d.topics for d in model.deferred]
    assert topics[0] == ("Manual or automatic?",)
    # the sentence before names the same thing ("test"), and the sentence opens its section
    assert topics[1] == ("test anxiety pills", "Nightmares about the test are normal.", "When you fail")
    assert topics[2] == ("Whether you should give up driving", "Some learners are simply scared of motorways, and some just hate driving.")
    assert len(topics) == 3
    first = model.deferred[0]
    assert LEAVES_OUT[first.start:first.end].startswith("People ask me this") and first.key.startswith("drive/article:")
    back = PostModels.from_dict(json.loads(json.dumps(PostModels({"drive": model}).to_dict())))
    assert back.posts["drive"].deferred == model.deferred


def test_a_deferral_right_after_one_names_what_the_first_named():
    from index.understand.rules import deferred_topic

    said = ["People also ask me whether you should be engaged first.", "I'm not going to get into that here.",
            "Honestly, that's a whole other post."]
    # the sentence as written, and what it names without the words about asking
    assert deferred_topic(said, 1) == ("People also ask me whether you should be engaged first.", "whether you should be engaged first.")
    assert deferred_topic(said, 2) == deferred_topic(said, 1)
    assert deferred_topic(["Give the post a read and take your own time."], 0) == ()
    asked = ["People also ask me about wills, probate and family rows over the estate.", "I'm not going to get into that here."]
    assert deferred_topic(asked, 1)[1] == "wills, probate and family rows over the estate."


def test_a_sentence_that_names_nothing_between_the_topic_and_its_deferral_is_stepped_over():
    from index.understand.rules import deferred_topic

    said = ["A lot of you have asked me when we would have stopped, and whether we talked about donor eggs or adoption.",
            "We did, a lot.", "But I'm not going to get into that here; it's a whole other post."]
    assert deferred_topic(said, 2) == (said[0], "when we would have stopped, and whether we talked about donor eggs or adoption.")
    kept = ["People also keep asking me whether they should downsize or move.", "I'm not going to get into that here."]
    assert deferred_topic(kept, 1) == (kept[0], "whether they should downsize or move.")


def test_what_the_post_says_it_is_not_about_is_left_out():
    from index.understand.rules import deferred_topic

    opening = ["This post is what I wish someone had handed me.", "It isn't about the stages of grief or the funeral.",
               "It's about the heavy middle part."]
    assert deferred_topic(opening, 1) == ("the stages of grief or the funeral",)
    assert deferred_topic(["This article is not about choosing a lawyer or filing papers."], 0) == ("choosing a lawyer or filing papers",)
    # advice that "it isn't about" something, with no word of the post itself, leaves nothing out
    assert deferred_topic(["Say sorry first.", "It isn't about who was right or wrong."], 1) == ()
    assert deferred_topic(["This post is short.", "It isn't about it."], 1) == ()  # names nothing


def test_a_direct_reply_that_opens_as_an_answer_answers_the_question():
    """r55: Dana's "Honest answer: it's my experience ..., not a study." gives no advice and reads far from "Where does
    the 6 to 8 weeks come from though?", yet answers it."""
    from index.understand.annotate import ANSWER_OPENS

    for said in ("Honest answer: it's my experience, not a study.", "Yes, you can start at 10 days.", "No - not really.",
                 "Short answer, no.", "To answer your question, we waited."):
        assert ANSWER_OPENS.match(said), said
    for said in ("Yesterday I tried it.", "Nobody told me that.", "Honestly I think this is too soft.", "Now I know."):
        assert not ANSWER_OPENS.match(said), said
