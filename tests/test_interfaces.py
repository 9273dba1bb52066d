"""The real parts and the test doubles implement the declared interfaces (bot/interfaces.py)."""

from bot.generate.extractive import ExtractiveGenerator
from bot.generate.llm import LLMGenerator
from bot.interfaces import Embedder, Generator, Retriever, SafetyPolicy
from bot.retrieve.hybrid import HybridRetriever
from bot.safety import SafetyLayer
from bot.cite.support import SupportScorer
from index.store import IndexVersion

from .test_api import _Danger


def test_real_parts_implement_the_interfaces(fake_store, fake_embeddings):
    retriever = HybridRetriever(IndexVersion.open(fake_store.store_dir), SupportScorer(fake_embeddings))
    assert isinstance(retriever, Retriever)
    assert isinstance(fake_embeddings, Embedder)
    assert isinstance(ExtractiveGenerator(), Generator)
    assert isinstance(LLMGenerator(chat_model=None), Generator)
    assert isinstance(SafetyLayer(embeddings=fake_embeddings), SafetyPolicy)


def test_the_test_doubles_implement_them_too():
    assert isinstance(_Danger(), SafetyPolicy)


def test_the_shared_fake_bot_takes_what_the_bot_takes():
    """tests/fakes.py stands in for Bot in the door tests: its stream and ask take Bot's parameters, in order."""
    import inspect

    from bot.api import Bot
    from tests.fakes import FakeBot

    for name in ("stream", "ask"):
        real = list(inspect.signature(getattr(Bot, name)).parameters)
        fake = list(inspect.signature(getattr(FakeBot, name)).parameters)
        assert fake == real, (name, fake, real)
