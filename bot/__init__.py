"""The read path: retrieve -> generate -> cite -> safety, behind one public API.

    from bot import Bot
    answer = Bot().ask("Why do men pull away?")

Importing is cheap: models and the index load on the first question.
"""

from index.errors import BotError, InputError, StoreError
from bot.errors import GeneratorError

from bot.answer import Answer, Citation, Perspective, SafetyReport, Source, TextDelta
from bot.api import Bot
from bot.retrieve.hybrid import Filters

__all__ = [
    "Answer", "Bot", "BotError", "Citation", "Filters", "GeneratorError", "InputError", "Perspective",
    "SafetyReport", "Source", "StoreError", "TextDelta",
]
