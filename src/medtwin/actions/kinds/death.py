"""Death: the irreversible end ('declare death').

The twin logs it with source "physiology" when the engine reaches it by itself (after
the published no-flow time without circulation); an instructor may also end a case
with it. From then on the heart stays in asystole and no rhythm change is accepted.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register

_ORDER = re.compile(r"declare death(?P<rest>.*)")


@register
class Death(ActionBase):
    """The patient is dead: asystole, irreversibly."""

    kind: Literal["death"] = "death"
    insult: ClassVar[bool] = True

    forms = ("declare death",)
    examples = ("declare death",)
    refusals = ("declare death in 5 min",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        if match["rest"].strip():
            raise refuse(
                f"extra = {match['rest'].strip()!r} is not allowed: 'declare death' takes "
                "nothing more (give it at the time it happens)"
            )
        return cls()

    def order(self) -> str:
        return "declare death"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.heart.die()
        return []
