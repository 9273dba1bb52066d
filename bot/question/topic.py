"""The words of a question that name its topic, not the asking ("what does the article say about ...").

    topic_words(question) -> the stems left once the words about the text itself are taken out

Read by the leads (bot/compose/leads.py) and by the retriever's check for topics the article leaves out
(bot/retrieve/left_out.py).
"""

from __future__ import annotations

import re

from index.lexical import tokenize

# words of a question that ask about the text itself, not about a topic in it
META = set(tokenize(
    """article author post blog writer coach text page comment comments commenter commenters reader readers people
    anyone anybody someone somebody everyone say says said think thinks mention mentions mentioned talk talks
    write writes wrote recommend recommends suggest suggests advise advises advice explain explains mean means
    tell tells told describe describes discuss discusses cover covers covered give gives gave anything something
    really actually also ever even exactly specific specifically kind sort thing things way ways much many
    know need needs want wants get got make makes like just still else good bad best better right wrong guy
    man men woman women girl girls boy boys lady ladies person partner relationship relationships help
    does doing happen happens happened work works worked yes okay ok please thanks hey hi question questions
    chime chimed weigh weighed pipe piped share shared post posted bring brought
    legit legitimate hype hyped myth myths bogus nonsense bs scam true truth real proof proven backed
    """))


# "will" the document, which the tokenizer drops with the verb: after a possessive or "the", and ending its clause
# ("me and my brother are at war over mums will.", "what did her will say"; not "my mum will be fine")
NOUN_WILL = re.compile(r"\b(?:the|a|his|her|my|their|our|your|[a-z]+['’]?s)\s+will\b"
                       r"(?=\s*(?:[.,;:?!)]|$|(?:and|or|is|was|says?|said|left|leaves|but|so|though)\b))", re.I)


def topic_words(question: str) -> set[str]:
    """The question's word stems that name a topic, not the asking ("what does the article say about")."""
    return (set(tokenize(question)) - META) | ({"will"} if NOUN_WILL.search(question) else set())
