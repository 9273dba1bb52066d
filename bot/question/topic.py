"""The words of a question that name its topic, not the asking ("what does the article say about ...").

    topic_words(question) -> the stems left once the words about the text itself are taken out

Read by the leads (bot/compose/leads.py) and by the retriever's check for topics the article leaves out
(bot/retrieve/left_out.py).
"""

from __future__ import annotations

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


def topic_words(question: str) -> set[str]:
    """The question's word stems that name a topic, not the asking ("what does the article say about")."""
    return set(tokenize(question)) - META
