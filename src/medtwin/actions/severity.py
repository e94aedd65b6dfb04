"""An insult set by one severity, 0-1: 'airway obstruction 0.8', 'bronchospasm 0.6'.

A kind names its order word (`word`, with any synonyms in `words`) and the engine input
the severity is written to (`input_name`); reading, writing back and applying are here.
"""

from __future__ import annotations

import re
from typing import ClassVar, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER, number


class SeverityInsult(ActionBase):
    """Base of the kinds whose one field is `severity`, written to `input_name`."""

    insult: ClassVar[bool] = True
    word: ClassVar[str]
    words: ClassVar[tuple[str, ...]] = ()
    input_name: ClassVar[str]
    severity: float
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        names = "|".join(re.escape(w) for w in (cls.word, *cls.words))
        match = re.fullmatch(rf"(?:{names}) (?P<severity>{NUMBER})", key)
        return None if match is None else cls(severity=number(match["severity"]))

    def order(self) -> str:
        return f"{self.word} {format_number(self.severity)}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs[self.input_name] = self.severity
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({self.word})
