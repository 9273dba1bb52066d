"""The real parts and the test doubles implement the declared interfaces (bot/interfaces.py)."""

import inspect

import pytest

from bot.generate.extractive import ExtractiveGenerator
from bot.generate.llm import LLMGenerator
from bot.interfaces import Embedder, Generator, Retriever, SafetyPolicy
from bot.retrieve.hybrid import HybridRetriever
from bot.safety import SafetyLayer
from bot.cite.support import SupportScorer
from index.store import IndexVersion

from . import fakes


def test_real_parts_implement_the_interfaces(fake_store, fake_embeddings):
    retriever = HybridRetriever(IndexVersion.open(fake_store.store_dir), SupportScorer(fake_embeddings))
    assert isinstance(retriever, Retriever)
    assert isinstance(fake_embeddings, Embedder)
    assert isinstance(ExtractiveGenerator(), Generator)
    assert isinstance(LLMGenerator(chat_model=None), Generator)
    assert isinstance(SafetyLayer(embeddings=fake_embeddings), SafetyPolicy)


# every double in tests/fakes.py that stands for a declared interface
DOUBLES = [
    (fakes.FakeEmbeddings, Embedder),
    (fakes.BrokenEmbeddings, Embedder),
    (fakes.FakeRetriever, Retriever),
    (fakes.FakeSafety, SafetyPolicy),
]


@pytest.mark.parametrize("double, protocol", DOUBLES, ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_test_doubles_implement_them_too_and_say_so(double, protocol, fake_store):
    made = double(IndexVersion.open(fake_store.store_dir)) if double is fakes.FakeRetriever else double()
    assert isinstance(made, protocol)
    assert f"bot.interfaces.{protocol.__name__}" in (double.__doc__ or "")


@pytest.mark.parametrize("double, protocol", DOUBLES, ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_doubles_take_the_interfaces_parameters_in_order(double, protocol):
    """A double's method takes the protocol's parameters, by name and in order; anything it adds comes after,
    with a default (so a caller written against the protocol can call the double)."""
    methods = [name for name, value in vars(protocol).items() if inspect.isfunction(value) and not name.startswith("_")]
    assert methods
    for name in methods:
        declared = list(inspect.signature(getattr(protocol, name)).parameters.values())
        taken = list(inspect.signature(getattr(double, name)).parameters.values())
        assert [p.name for p in taken[: len(declared)]] == [p.name for p in declared], (double.__name__, name)
        assert all(p.default is not inspect.Parameter.empty for p in taken[len(declared):]), (double.__name__, name)
        for mine, theirs in zip(taken, declared):  # what the protocol lets a caller leave out, the double does too
            if theirs.default is not inspect.Parameter.empty:
                assert mine.default == theirs.default, (double.__name__, name, mine.name)


def test_the_shared_fake_bot_takes_what_the_bot_takes():
    """tests/fakes.py stands in for Bot in the door tests: its stream and ask take Bot's parameters, in order."""
    from bot.api import Bot

    for name in ("stream", "ask"):
        real = list(inspect.signature(getattr(Bot, name)).parameters)
        fake = list(inspect.signature(getattr(fakes.FakeBot, name)).parameters)
        assert fake == real, (name, fake, real)
