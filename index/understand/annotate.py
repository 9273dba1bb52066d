"""Compute the model of one post: rules first, then the packaged sentence encoder for what the
rules leave unsure (unsafe advice in other words, a comment's stance, which claim it answers).

``embed(texts) -> float matrix`` (rows L2-normalised) is the only model used; the build passes
one that reads the index's sentence vectors first, so most sentences cost nothing here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..parse import _STOPWORDS as STOPWORDS
from ..parse import NO_AUTHOR, Record
from ..sentences import sentence_spans
from . import rules
from .model import ANNOTATOR, DISSENT, Deferral, Label, PostModel, RecordModel, Source

Embed = Callable[[list[str]], "object"]  # -> numpy array (n, d), rows normalised

# Prototypes: what each kind of sentence says, in plain words. Generic, about any partner.
UNSAFE_PROTOTYPES = {
    "give_space": ["Give him space and leave him alone when he pulls away.", "Don't contact her; let her come to you.",
                   "Stop texting and calling, just disappear for a while."],
    "dont_question": ["Don't ask him where he was or who he was with.", "Never question her decisions or demand explanations."],
    "dont_check": ["Never look at his phone; respect his privacy completely."],
    "let_him_check": ["Let your partner read your messages and track your location whenever they want.",
                      "If she wants to see your phone, hand it over and don't get defensive."],
    "wait_it_out": ["Be patient and wait; he will come back when he is ready.", "Days of silence are normal, just wait it out."],
    "receive_no_matter": ["When he comes back, welcome him with love and don't bring up what happened.",
                          "Forgive him and act as if nothing happened."],
    "blames_reader": ["Your neediness is what makes him cold and angry.", "It is your nagging that drives her away."],
    "minimises": ["His anger is normal and harmless, don't take it personally."],
    "isolate": ["Never talk to your friends or family about problems in your relationship."],
    "obey": ["Never argue back when he is angry; let him decide about the money."],
}
STANCE_PROTOTYPES = {
    "disagrees": ["This article is wrong and the advice is harmful.", "I completely disagree with the author.",
                  "That claim is not backed by any science.", "This advice is dangerous, please don't follow it."],
    "agrees": ["Great article, this is so true.", "Thank you, this is exactly what I needed to read.",
               "The author is right, this advice works."],
    "nuance": ["I agree with some of it, but it depends on the situation.", "Some good points, although I would add something."],
    "question": ["What should I do? Any advice would help.", "Can anyone tell me whether I should wait or message him?"],
    "story": ["This happened to me last year with my boyfriend.", "Here is what happened when I tried it."],
}
UNSAFE_SURE, UNSAFE_UNSURE = 0.62, 0.50  # cosine to the nearest unsafe prototype: tag / not sure it is safe
PARTNER_SHARE = 0.15  # of the article's sentences name a partner: a relationship post (fail closed on its advice)
TARGET_MIN = 0.30  # a dissenting comment "answers" an article passage at least this similar
ANSWER_MIN = 0.25  # a reply further down that advises answers a question at least this similar (a direct one always)
ANSWER_SURE = 0.5  # any reply this similar answers it
ANSWER_OPENS = re.compile(r"\W*(?:(?:honest|short|quick|simple|the) answers?\b|to answer your question\b|(?:yes|yep|yeah|no|nope)\b\s?[,.!:;—–-])", re.I)
AUTHOR_SUFFIX = re.compile(r"\s*\((?:author|the author|admin|post author)\)\s*$", re.I)
def bare_author(name: str) -> str:
    """"Maggie" for "Maggie (author)": a commenter's name without the mark that they wrote the post."""
    return AUTHOR_SUFFIX.sub("", name).strip()


BYLINE = re.compile(r"(?:^|\.\s+|\n)(?i:by|written by|i'?m|i am|my name is)\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=[.,;:!]|\s*$)")


def content_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def annotate_post(doc: str, text: str, records: Sequence[Record], embed: Embed, encoder: str = "") -> PostModel:
    """The model of one post: each record's labels in reading order, then what depends on other records
    (a reply taking its parent's side, the replies that answer a question, the passages a dissent answers)."""
    import numpy as np

    records = [r for r in records if r.doc == doc]
    sents = {r.id: [r.text[s:e].strip() for s, e in sentence_spans(r.text)] or [r.text.strip()] for r in records}
    flat = [(rid, i, t) for rid, ss in sents.items() for i, t in enumerate(ss) if t]
    matrix = np.asarray(embed([t for *_, t in flat]), dtype=np.float32) if flat else np.zeros((0, 1), np.float32)
    vec_of = {(rid, i): matrix[j] for j, (rid, i, _) in enumerate(flat)}

    def record_vec(rid: str):
        rows = [vec_of[(rid, i)] for i in range(len(sents[rid])) if (rid, i) in vec_of]
        if not rows:
            return None
        v = np.mean(rows, axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    unsafe_proto = _prototypes(UNSAFE_PROTOTYPES, embed)
    article = [s for r in records if r.kind == "article" for s in sents[r.id]]
    # a post about being with a partner: its untagged advice about the partner is not known to be safe
    partnered = sum(1 for s in article if rules.PARTNER.search(rules.plain(s)) or rules.TOGETHER.search(rules.plain(s))
                    ) >= PARTNER_SHARE * max(1, len(article))
    stance_proto = _prototypes(STANCE_PROTOTYPES, embed)

    title = next((r.text.strip() for r in records if r.id == "article:title"), doc.replace("-", " "))
    author = _author(records)
    out: dict[str, RecordModel] = {}
    for r in records:
        key = f"{doc}/{r.id}"
        ss = sents[r.id]
        role = _role(r, ss)
        model = RecordModel(key=key, role=role)
        if r.kind == "article":
            model = _claims(model, ss)
        if r.kind == "comment":
            model = _comment(model, r, ss, [vec_of.get((r.id, i)) for i in range(len(ss))], stance_proto, author)
        model = _unsafe(model, r, ss, [vec_of.get((r.id, i)) for i in range(len(ss))], unsafe_proto, partnered)
        out[key] = model

    out = _replies_follow(doc, records, out, sents)
    out = _answers(doc, records, out, sents, vec_of)
    out = _dissent_targets(doc, out, records, record_vec, sents, vec_of)
    names = tuple(dict.fromkeys(AUTHOR_SUFFIX.sub("", r.author) for r in records
                                if r.kind == "comment" and r.author and r.author != NO_AUTHOR))
    mentioned = tuple(sorted(set(re.findall(r"\b[A-Z][a-z]{2,}\b", text))))
    return PostModel(doc, title, author, names, _topic(records), out, content_sha1(text),
                     (ANNOTATOR, f"encoder:{encoder}" if encoder else "encoder"), mentioned=mentioned,
                     deferred=_deferred(doc, records))


def _deferred(doc: str, records: Sequence[Record]) -> tuple[Deferral, ...]:
    """The article's sentences that leave a topic out, each with what it leaves out (rules.deferred_topic)."""
    out, seen_sections = [], set()
    for r in records:
        if r.kind != "article" or r.id == "article:title" or r.id.endswith(":heading"):
            continue
        opens = r.section not in seen_sections  # the first paragraph under its heading
        seen_sections.add(r.section)
        spans = sentence_spans(r.text)
        sentences = [r.text[s:e] for s, e in spans]
        for i, (s, e) in enumerate(spans):
            topics = rules.deferred_topic(sentences, i, r.section or "", opens and i < 3)
            if topics:
                out.append(Deferral(f"{doc}/{r.id}", r.start + s, r.start + e, topics))
    return tuple(out)


def _prototypes(table: dict[str, list[str]], embed: Embed):
    import numpy as np

    labels = [k for k, v in table.items() for _ in v]
    return labels, np.asarray(embed([t for v in table.values() for t in v]), dtype=np.float32)


def _role(r: Record, ss: list[str]) -> Label:
    if r.id == "article:title" or r.id.endswith(":heading"):
        return Label("heading", "structure", 1.0)
    body = " ".join(ss).strip()
    if not body or rules.FILLER.match(rules.plain(body)) or len(re.findall(r"\w+", body)) <= 2:
        return Label("filler", "rule", 0.9)
    if ":step" in r.id:
        return Label("advice", "structure", 0.9)
    score = {"advice": 0.0, "question": 0.0, "story": 0.0, "claim": 0.0, "aside": 0.0}
    for s in ss:
        if rules.QUESTION.search(rules.plain(s)):
            score["question"] += 1.0
        elif rules.advice_score(s):
            score["advice"] += 1.3
        elif rules.STORY.search(rules.plain(s)):
            score["story"] += 1.0
        elif rules.claim_kinds(s) or re.search(r"\b(?:is|are|was|were|has|have|does|do|will|can|makes?|means?)\b", s, re.I):
            score["claim"] += 0.8
        else:
            score["claim" if r.kind == "article" else "aside"] += 0.5
    if r.kind == "comment" and rules.ASKS_HELP.search(rules.plain(body)):
        score["question"] += 1.0 + (1.0 if score["question"] else 0.0)  # asks for help, and asks: a question
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    total = sum(score.values()) or 1.0
    return Label(best, "rule", round(min(0.95, 0.4 + 0.6 * (top - second) / total), 2))


def _claims(model: RecordModel, ss: list[str]) -> RecordModel:
    kinds: list[str] = []
    first = ""
    for s in ss:
        found = rules.claim_kinds(s)
        for k in found:
            if k not in kinds:
                kinds.append(k)
        if found and not first:
            first = s
    if not kinds:
        return model
    conf = 0.6 if kinds == ["absolute"] else 0.8
    return replace(model, claims=tuple(kinds), claims_label=Label(",".join(kinds), "rule", conf), claim_text=first[:200])


def _unsafe(model: RecordModel, r: Record, ss: list[str], vecs, proto, partnered: bool = False) -> RecordModel:
    """Tag advice that could harm someone whose partner is controlling or violent. Rules tag it; a sentence
    of advice the rules pass but that reads close to an unsafe prototype is tagged by the encoder, or
    "uncertain" when it is close-ish; in a post about partners, any article sentence that tells the reader
    how to be with theirs is "uncertain" too. Safety withholds all of them after a disclosure (fail closed)."""
    import numpy as np

    dissent = model.stance is not None and model.stance.value in DISSENT
    tags: list[str] = []
    sentences: list[str] = []
    conf = 1.0
    source: Source = "rule"
    labels, matrix = proto
    for s, v in zip(ss, vecs):
        found = rules.unsafe_tags(s)
        if found and r.kind == "comment" and dissent and not rules.advice_score(s):
            found = []  # a reader who disagrees, telling what happened to them: not advice to quote
        if found and dissent and rules.DISAGREE.search(rules.plain(s)):
            continue  # a reader naming the advice to push back on it
        if not found and v is not None and not dissent and (rules.advice_score(s) or r.kind == "article"):
            sims = matrix @ np.asarray(v, dtype=np.float32)
            best = int(np.argmax(sims))
            if sims[best] >= UNSAFE_SURE:
                found, source, conf = [labels[best]], "embedding", min(conf, round(float(sims[best]), 2))
            elif sims[best] >= UNSAFE_UNSURE and rules.advice_score(s):
                found, source, conf = ["uncertain"], "embedding", min(conf, 0.4)
        agrees = model.stance is not None and model.stance.value == "agrees"
        if not found and partnered and agrees and rules.PARTNER.search(rules.plain(s)):
            found, source, conf = ["uncertain"], "rule", min(conf, 0.4)  # a reader cheering it on with their own story
        if not found and partnered and (rules.about_partner(s) or "gender_generalisation" in rules.claim_kinds(s)
                                        or (rules.PARTNER.search(rules.plain(s)) and rules.ANGER.search(rules.plain(s)))) and (
                r.kind == "article" or agrees or (rules.advice_score(s) and not dissent)):
            found, source, conf = ["uncertain"], "rule", min(conf, 0.4)  # a reader passing it on, or cheering it, too
        if found:
            sentences.append(s)
            tags += [t for t in found if t not in tags]
    if not tags:
        return replace(model, unsafe_label=Label("safe", "rule", 0.7))
    if len(tags) > 1 and "uncertain" in tags:
        tags.remove("uncertain")
    # an article paragraph with unsafe advice is withheld whole (its other sentences carry the same advice in
    # other words: "bring an umbrella and wait for the sun"); a reader's comment only sentence by sentence
    kept = tuple(sentences) if r.kind == "comment" else ()
    return replace(model, unsafe=tuple(tags), unsafe_label=Label(",".join(tags), source, conf), unsafe_sentences=kept)


def _comment(model: RecordModel, r: Record, ss: list[str], vecs, proto, author: str | None) -> RecordModel:
    import numpy as np

    body = " ".join(ss).strip()
    by_author = bool(r.author and (AUTHOR_SUFFIX.search(r.author) or (author and r.author.strip() == author)))
    if not body:
        return replace(model, stance=Label("none", "rule", 1.0), outcome=Label("none", "rule", 1.0), by_author=by_author)
    worked, failed = rules.endings(rules.plain(body))
    ended = ("worked" if max(worked or [-1]) > max(failed or [-1]) else "failed") if worked or failed else ""
    dis = sum(1 for s in ss if rules.DISAGREE.search(rules.plain(s)))
    agr = sum(1 for s in ss if rules.AGREE.search(rules.plain(s)))
    score = {k: 0.0 for k in STANCE_PROTOTYPES}
    score["disagrees"] += 1.5 * min(dis, 2)
    score["agrees"] += 1.2 * min(agr, 2)
    score["nuance"] += 1.0 * sum(1 for s in ss if rules.NUANCE.search(rules.plain(s))) + (1.5 if dis and agr else 0.0)
    score["nuance"] += 0.8 if rules.NUANCE_TURN.search(rules.plain(body)) else 0.0
    if ended and rules.REFERS_ARTICLE.search(rules.plain(body)):  # they tried the post's advice: how it went is their view
        score["agrees" if ended == "worked" else "disagrees"] += 1.2
    elif rules.FOLLOWING.search(rules.plain(body)):  # doing the steps, no verdict yet: on the article's side
        score["agrees"] += 0.8
    score["question"] += 0.4 * min(sum(1 for s in ss if rules.QUESTION.search(rules.plain(s))), 3) + (1.2 if rules.ASKS_HELP.search(rules.plain(body)) else 0.0)
    score["story"] += min(1.0, 0.25 * sum(1 for s in ss if rules.STORY.search(rules.plain(s))))
    labels, matrix = proto
    rows = [np.asarray(v, dtype=np.float32) for v in vecs if v is not None]
    if rows:
        sims = np.stack(rows) @ matrix.T  # sentences x prototypes
        for k in score:
            cols = [j for j, lab in enumerate(labels) if lab == k]
            best_sim = float(sims[:, cols].max())
            score[k] += 2.0 * max(0.0, best_sim - 0.35) + 0.1 * best_sim  # the last term only breaks ties
    if by_author:
        score["agrees"] += 10.0  # the author stands by the article, whatever their reply says of a reader
    ranked = sorted(score.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    stance = Label(best, "rule", round(min(0.95, 0.45 + (top - second) / (top + 1e-6) * 0.5), 2))
    if ended:  # the last thing that happened is how it ended
        outcome = Label(ended, "rule", 0.7)
    elif model.role.value == "story" or best == "story":
        outcome = Label("unknown", "rule", 0.6)
    else:
        outcome = Label("none", "rule", 0.6)
    asks = next((s for s in ss if rules.QUESTION.search(rules.plain(s)) and len(s.split()) >= 4), "")
    if asks and best not in ("question",) and not rules.ASKS_HELP.search(rules.plain(body)) and model.role.value != "question":
        asks = ""  # a rhetorical question inside an opinion is not a question to answer
    quote = _dissent_quote(ss, vecs, proto) if best in DISSENT else ""
    return replace(model, stance=stance, outcome=outcome, asks=asks[:200], quote=quote, by_author=by_author)


def _replies_follow(doc, records, out, sents):
    """A reply that thanks or agrees with the comment it answers takes that comment's side ("Thank you,
    Marisol" under a reader who disagreed disagrees too; under the author's own reply, it agrees); a reply
    that argues with the author disagrees with the article."""
    for r in records:
        if r.kind != "comment" or not r.parent:
            continue
        me, parent = out[f"{doc}/{r.id}"], out.get(f"{doc}/{r.parent}")
        first = rules.plain(sents[r.id][0]) if sents[r.id] else ""
        if parent is None or parent.stance is None or me.by_author:
            continue
        if rules.REPLY_THANKS.search(first):
            side = "agrees" if parent.by_author else parent.stance.value
        elif parent.by_author and any(rules.DISAGREE.search(rules.plain(t)) for t in sents[r.id]) or (
                parent.by_author and me.stance and me.stance.value == "agrees" and not rules.AGREE.search(rules.plain(" ".join(sents[r.id])))):
            side = "disagrees"  # answering the author back
        else:
            continue
        if side in ("agrees", "disagrees", "nuance") and me.stance and me.stance.value != side:
            # the sentence that says something ("Same here, Mike." says only whose side they are on)
            said = max(sents[r.id], key=lambda t: len(t.split())) if sents[r.id] else ""
            quote = me.quote or (said[:80] if side in DISSENT and len(said.split()) >= 6 else "")
            out[me.key] = replace(me, stance=Label(side, "rule", 0.6), quote=quote if side in DISSENT else "")
    return out


def _dissent_quote(ss: list[str], vecs, proto) -> str:
    """The sentence that says the disagreement best: a rule hit first, else the closest to 'disagrees'."""
    import numpy as np

    for s in ss:
        if rules.DISAGREE.search(rules.plain(s)) and len(s.split()) >= 5:
            return s[:80]
    labels, matrix = proto
    cols = [j for j, lab in enumerate(labels) if lab in DISSENT]
    best, best_sim = "", -1.0
    for s, v in zip(ss, vecs):
        if v is None or len(s.split()) < 5:
            continue
        sim = float((matrix[cols] @ np.asarray(v, dtype=np.float32)).max())
        if sim > best_sim:
            best, best_sim = s, sim
    return (best or (ss[0] if ss else ""))[:80]


def _answers(doc, records, out, sents, vec_of):
    """Which replies answer a comment's question: a reply below it, by someone else, that gives something
    (not only another question) and is about what was asked."""
    import numpy as np

    children: dict[str, list[Record]] = {}
    for r in records:
        if r.parent:
            children.setdefault(r.parent, []).append(r)
    for r in records:
        m = out[f"{doc}/{r.id}"]
        if not m.asks:
            continue
        qi = next((i for i, s in enumerate(sents[r.id]) if s == m.asks), None)
        qv = vec_of.get((r.id, qi)) if qi is not None else None
        found = []
        stack = list(children.get(r.id, []))
        while stack:
            c = stack.pop(0)
            stack[0:0] = children.get(c.id, [])
            cm = out[f"{doc}/{c.id}"]
            if c.author == r.author or cm.role.value in ("filler", "question"):
                continue
            gives = [s for s in sents[c.id] if not rules.QUESTION.search(rules.plain(s))]
            if not gives:
                continue
            sim = 0.0
            if qv is not None:
                rows = [vec_of[(c.id, i)] for i, s in enumerate(sents[c.id]) if (c.id, i) in vec_of and not rules.QUESTION.search(rules.plain(s))]
                sim = float(np.max(np.stack(rows) @ qv)) if rows else 0.0
            advises = any(rules.advice_score(g) for g in gives)
            # a direct reply that opens as an answer ("Honest answer: it's my experience ..., not a study.", "Yes, ...")
            opens = c.parent == r.id and ANSWER_OPENS.match(rules.plain(gives[0])) is not None
            if (advises and (sim >= ANSWER_MIN or c.parent == r.id)) or sim >= ANSWER_SURE or opens:
                found.append(f"{doc}/{c.id}")
        if found:
            out[m.key] = replace(m, answered_by=tuple(found))
    return out


def _dissent_targets(doc, out, records, record_vec, sents, vec_of):
    """For each comment that disagrees or adds nuance: the article passages it answers (closest first)
    and the claim kinds it therefore counters. A comment that answers no passage in particular
    counters every kind the article makes: it is dissent from the whole."""
    import numpy as np

    claimed = [r for r in records if r.kind == "article" and (out[f"{doc}/{r.id}"].claims or out[f"{doc}/{r.id}"].unsafe)]
    all_kinds = tuple(dict.fromkeys(k for r in claimed for k in out[f"{doc}/{r.id}"].claims + out[f"{doc}/{r.id}"].unsafe))
    vecs = {r.id: record_vec(r.id) for r in claimed}
    for r in records:
        m = out[f"{doc}/{r.id}"]
        if not (m.stance and m.stance.value in DISSENT):
            continue
        rows = [vec_of[(r.id, i)] for i in range(len(sents[r.id])) if (r.id, i) in vec_of]
        scored = []
        if rows:
            mat = np.stack(rows)
            for a in claimed:
                if vecs[a.id] is not None:
                    scored.append((float((mat @ vecs[a.id]).max()), a.id))
        scored.sort(reverse=True)
        targets = [aid for sim, aid in scored if sim >= TARGET_MIN][:6]
        kinds: list[str] = []
        for aid in targets[:3]:
            am = out[f"{doc}/{aid}"]
            kinds += [k for k in am.claims + am.unsafe if k not in kinds and k != "uncertain"]
        own = rules.claim_kinds(r.text)
        kinds += [k for k in own if k not in kinds]
        if not targets:
            kinds += [k for k in all_kinds if k not in kinds and k != "uncertain"]
        out[m.key] = replace(m, counters=tuple(kinds), targets=tuple(f"{doc}/{t}" for t in targets))
    return out


def _author(records: Sequence[Record]) -> str | None:
    """The author as the post introduces them ("I'm Derek Vance."), else as they sign their replies."""
    signed = next((bare_author(r.author) for r in records
                   if r.kind == "comment" and r.author and AUTHOR_SUFFIX.search(r.author)), None)
    for r in [r for r in records if r.kind == "article"][:8]:
        m = BYLINE.search(rules.plain(r.text))
        if m and m.group(1).lower() not in STOPWORDS and (signed is None or m.group(1).split()[0] == signed.split()[0]):
            return m.group(1)
    return signed


def _topic(records: Sequence[Record], frequent: int = 3, most: int = 150) -> tuple[str, ...]:
    """What the post is about: content words of the title and headings, then the article's words used
    at least ``frequent`` times (at most ``most`` of them, commonest first)."""
    from collections import Counter

    def content(text: str) -> list[str]:
        found = (w.strip("'-") for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()))
        return [w for w in found if w not in STOPWORDS and w not in _GENERIC]

    words: list[str] = []
    for r in records:
        if r.id == "article:title" or r.id.endswith(":heading"):
            words += [w for w in content(r.text) if w not in words]
    counts = Counter(w for r in records if r.kind == "article" for w in content(r.text))
    words += [w for w, n in counts.most_common(most) if n >= frequent and w not in words]
    return tuple(words)


_GENERIC = set("""about after again also because before being could every first from have into just like make more
most much only other over part same some still such than that them then there these they thing things this those
through very what when where which while will with would your yours fixes actually really""".split())
